import type { EslParserOutput } from '../../src/modules/pbx/esl/esl-parser';

/** Each parser output as one word: `frame:<content type>`, `event:<name>` or `error:<code>`. */
export function summary(outputs: EslParserOutput[]): string[] {
  return outputs.map((o) =>
    o.kind === 'error'
      ? `error:${o.error.code}`
      : o.kind === 'event'
        ? `event:${o.event.name}`
        : `frame:${o.frame.contentType}`,
  );
}
