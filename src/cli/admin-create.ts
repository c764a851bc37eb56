/**
 * `npm run admin:create -- --email a@b.c --role admin|auditor [--name N] [--password P]`
 *
 * Adds a console user from the shell (no prompts). Without --password a random one is generated
 * and printed once. Uses DATABASE_URL (from the environment or `.env`, like the app), creates the
 * database and runs pending migrations when needed, and audit-logs `user.created` with the system
 * as actor.
 *
 * Exit codes: 0 created · 1 unexpected failure (database unreachable, ...) · 2 invalid arguments ·
 * 3 the email is already taken.
 */
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { parseArgs } from 'node:util';
import { SYSTEM_ACTOR } from '../common/actor';
import { Conflict } from '../common/errors';
import { toFieldErrors } from '../common/validation';
import { databaseUrlFromEnv, loadEnvFile } from '../config/env-file';
import { dataSourceOptions } from '../database/data-source-options';
import { ensureDatabase, runMigrations } from '../database/migrate';
import { AuditService } from '../modules/audit/audit.service';
import { AuditEntry } from '../modules/audit/entities/audit-entry.entity';
import { CreateUserDto } from '../modules/auth/dto/user.dto';
import { User } from '../modules/auth/entities/user.entity';
import { randomAlphanumeric } from '../common/random';
import { UsersService } from '../modules/auth/users.service';

export const EXIT = { ok: 0, failed: 1, usage: 2, exists: 3 } as const;

const USAGE = `Usage: npm run admin:create -- --email <email> --role <admin|auditor> [--name <name>] [--password <password>]

  --email     the sign-in email (required)
  --role      admin (everything) or auditor (reads the audit log) (required)
  --name      display name (default: the part of the email before @)
  --password  12 to 200 characters; without it a random password is generated and printed once
`;

class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

interface Args {
  email: string;
  role: string;
  name: string;
  password: string | null;
}

function parse(argv: string[]): Args | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        password: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return 'help';
  const email = typeof values.email === 'string' ? values.email.trim() : '';
  const role = typeof values.role === 'string' ? values.role.trim() : '';
  if (!email) throw new UsageError('--email is required');
  if (!role) throw new UsageError('--role is required (admin or auditor)');
  const name = typeof values.name === 'string' ? values.name.trim() : email.split('@')[0];
  const password = typeof values.password === 'string' ? values.password : null;
  return { email, role, name, password };
}

/** Validates like `POST /api/admin/users`; one line per bad field. */
async function toDto(args: Args, password: string): Promise<CreateUserDto> {
  const dto = plainToInstance(CreateUserDto, {
    email: args.email,
    name: args.name,
    role: args.role,
    password,
  });
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const fields = toFieldErrors(errors);
    throw new UsageError(
      Object.entries(fields)
        .map(([field, messages]) => `--${field}: ${messages.join('; ')}`)
        .join('\n'),
      false,
    );
  }
  return dto;
}

export async function adminCreate(argv: string[]): Promise<number> {
  let args: Args | 'help';
  let dto: CreateUserDto;
  const generated = randomAlphanumeric(20);
  try {
    args = parse(argv);
    if (args === 'help') {
      process.stdout.write(USAGE);
      return EXIT.ok;
    }
    dto = await toDto(args, args.password ?? generated);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`admin:create: ${err.message}\n${err.showUsage ? `\n${USAGE}` : ''}`);
    return EXIT.usage;
  }

  const url = databaseUrlFromEnv();
  await ensureDatabase(url);
  await runMigrations(url);
  const db = new DataSource({ ...dataSourceOptions(url), extra: { max: 2 } });
  await db.initialize();
  try {
    const users = new UsersService(
      db.getRepository(User),
      new AuditService(db.getRepository(AuditEntry)),
    );
    const user = await users.create(SYSTEM_ACTOR, dto);
    process.stdout.write(`Created ${user.role} ${user.email} (id ${user.id}).\n`);
    if (args.password === null) {
      process.stdout.write(
        `password: ${generated}\nThis password is shown once. Keep it somewhere safe.\n`,
      );
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof Conflict) {
      process.stderr.write(`admin:create: a user with email ${dto.email} already exists\n`);
      return EXIT.exists;
    }
    throw err;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  loadEnvFile();
  adminCreate(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(
        `admin:create failed: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exit(EXIT.failed);
    },
  );
}
