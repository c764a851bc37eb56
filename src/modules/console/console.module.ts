import { Controller, DynamicModule, Get, Module, Redirect, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../platform/http/access.decorators';

@ApiExcludeController()
@Public()
@Controller()
class RootRedirectController {
  @Get()
  @Redirect('/admin/', 302)
  root(): void {}
}

/** Shown under /admin when the console has not been built (npm start builds it). */
@ApiExcludeController()
@Public()
@Controller('admin')
class ConsoleMissingController {
  @Get(['', '*path'])
  missing(@Res() res: Response): void {
    res
      .status(503)
      .type('text/plain')
      .send('The Admin Console is not built yet. Run `npm run build` (npm start does it for you).');
  }
}

@Module({})
export class ConsoleModule {
  static forRoot(consoleBuilt: boolean): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: consoleBuilt
        ? [RootRedirectController]
        : [RootRedirectController, ConsoleMissingController],
    };
  }
}
