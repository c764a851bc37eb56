import { Linter } from 'eslint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { moduleBoundaries } = require('../../scripts/module-boundaries.js') as {
  moduleBoundaries: (root: string) => Linter.Config[];
};

const ROOT = join(__dirname, '..', '..');

/** The boundary rule's messages for one import line in a file at `path` (under the repo root). */
function lint(path: string, importLine: string): string[] {
  const linter = new Linter({ cwd: ROOT });
  const config: Linter.Config[] = [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...moduleBoundaries(ROOT),
  ];
  return linter
    .verify(importLine, config, { filename: join(ROOT, path) })
    .map((m) => `${m.ruleId}: ${m.message}`);
}

describe('module boundary lint', () => {
  it('is part of the repository lint configuration', () => {
    const config = readFileSync(join(ROOT, 'eslint.config.mjs'), 'utf8');
    expect(config).toMatch(/\.\.\.boundaries\.moduleBoundaries\(import\.meta\.dirname\)/);
  });

  it.each([
    [
      'src/modules/deliveries/x.ts',
      "import { Webhook } from '../webhooks/entities/webhook.entity';",
    ],
    ['src/modules/deliveries/lanes/x.ts', "import { A } from '../../webhooks/dto/webhook.dto';"],
    ['src/modules/webhooks/x.ts', "import { randomAlphanumeric } from '../auth/passwords';"],
    ['src/modules/audit/x.ts', "import { AuthGuard } from '../auth/auth.guard';"],
    [
      'src/modules/pbx/esl/x.ts',
      "import { OutboxEvent } from '../../../events/entities/outbox-event.entity';",
    ],
    [
      'src/events/x.ts',
      "import { Delivery } from '../modules/deliveries/entities/delivery.entity';",
    ],
    [
      'src/modules/webhooks/x.ts',
      "import { DeliveriesModule } from '../deliveries/deliveries.module';",
    ],
    [
      'src/modules/webhooks/dto/x.ts',
      "import { ReplayService } from '../../deliveries/replay.service';",
    ],
    ['src/modules/audit/x.ts', "import { AuthModule } from '../auth/auth.module';"],
    [
      'src/platform/x.ts',
      "import { LaneProcessor } from '../modules/deliveries/lanes/lane.processor';",
    ],
  ])('%s: refuses %s', (path, line) => {
    const messages = lint(path, line);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^no-restricted-imports: /);
  });

  it.each([
    [
      'src/modules/deliveries/x.ts',
      "import { WebhooksService } from '../webhooks/webhooks.service';",
    ],
    [
      'src/modules/deliveries/lanes/x.ts',
      "import { AuditModule } from '../../audit/audit.module';",
    ],
    ['src/modules/deliveries/x.ts', "import { Delivery } from './entities/delivery.entity';"],
    [
      'src/modules/deliveries/lanes/x.ts',
      "import { DeliveryQueryDto } from '../dto/delivery.dto';",
    ],
    ['src/modules/audit/x.ts', "import { Roles } from '../../platform/http/access.decorators';"],
    ['src/modules/pbx/x.ts', "import { EVENT_NAMES } from '../../events/catalogue';"],
    ['src/events/x.ts', "import { OutboxEvent } from './entities/outbox-event.entity';"],
    ['src/ops/x.ts', "import { Delivery } from '../modules/deliveries/entities/delivery.entity';"],
    [
      'src/platform/x.ts',
      "import { LaneWorkersModule } from '../modules/deliveries/deliveries.module';",
    ],
  ])('%s: allows %s', (path, line) => {
    expect(lint(path, line)).toEqual([]);
  });
});
