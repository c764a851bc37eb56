import { apiServiceTest } from '../../../testing/providers';
import { User } from './api.types';
import { UsersApi } from './users-api';

const user: User = {
  id: 'u1',
  email: 'a@zorio.test',
  name: 'A',
  role: 'admin',
  disabled: false,
  created_at: '2026-01-01T00:00:00Z',
};

describe('UsersApi', () => {
  const t = apiServiceTest(UsersApi);

  it('lists users', () => {
    let users: User[] = [];
    t.api.list().subscribe((u) => (users = u));
    t.http.expectOne({ method: 'GET', url: '/api/admin/users' }).flush({ data: [user] });
    expect(users).toEqual([user]);
  });

  it('creates a user', () => {
    const input = {
      email: 'b@zorio.test',
      name: 'B',
      role: 'auditor' as const,
      password: 'x'.repeat(12),
    };
    let created: User | undefined;
    t.api.create(input).subscribe((u) => (created = u));
    const req = t.http.expectOne({ method: 'POST', url: '/api/admin/users' });
    expect(req.request.body).toEqual(input);
    req.flush({ data: { ...user, ...input, id: 'u2' } }, { status: 201, statusText: 'Created' });
    expect(created?.id).toBe('u2');
  });

  it('disables a user with PATCH {disabled: true}', () => {
    t.api.update('u1', { disabled: true }).subscribe();
    const req = t.http.expectOne({ method: 'PATCH', url: '/api/admin/users/u1' });
    expect(req.request.body).toEqual({ disabled: true });
    req.flush({ data: { ...user, disabled: true } });
  });
});
