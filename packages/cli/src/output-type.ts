// The documents' file types: the formats the spec allows in a batch request.
import { endpoints, type OutputType } from '@box-docgen/client';
import { UsageError } from './errors.js';

export const OUTPUT_TYPES: readonly OutputType[] = endpoints.createBatch.body.schema.properties.output_type.enum;

export function outputTypeOf(given: string): OutputType {
  const outputType = OUTPUT_TYPES.find((format) => format === given);
  if (!outputType) throw new UsageError(`--output-type must be ${OUTPUT_TYPES.join(' or ')}, got "${given}"`);
  return outputType;
}
