/** One entry of a Salesforce REST error body: `[{ message, errorCode, fields? }]`. */
interface ApiErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** A failure of the whole request, answered with `status` and a one-element error array. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
  }

  body(): ApiErrorBody[] {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }
}

/** A per-record error as sObject Collections report it. */
export interface RecordIssue {
  statusCode: string;
  message: string;
  fields: string[];
}

export const jsonParserError = (value: unknown, type: string): ApiError =>
  new ApiError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of ${type} from ${describeJson(value)}`);

const describeJson = (value: unknown): string => {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (value !== null && typeof value === 'object') return 'START_OBJECT';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return 'VALUE_NUMBER';
  return 'VALUE_TRUE';
};
