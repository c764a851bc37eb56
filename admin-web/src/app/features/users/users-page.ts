import { Component } from '@angular/core';
@Component({ selector: 'app-x', template: 'x' })
export class UsersPage {}
