import { ValidationOptions, registerDecorator } from 'class-validator';

/** A plain JSON object of at most `maxKeys` keys and `maxBytes` serialised bytes. */
export function IsSmallJsonObject(
  maxKeys: number,
  maxBytes: number,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isSmallJsonObject',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          if (Object.keys(value).length > maxKeys) return false;
          return Buffer.byteLength(JSON.stringify(value)) <= maxBytes;
        },
        defaultMessage(args): string {
          return `${args?.property ?? 'value'} must be a JSON object of at most ${maxKeys} keys and ${maxBytes / 1024} KiB`;
        },
      },
    });
  };
}
