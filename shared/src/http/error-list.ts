// Error answers of bounded size. A 1 MiB batch of bad items holds some 100,000 errors: listing them
// all made a 15 MB answer (and as many objects in memory). The answer lists the first
// MAX_LISTED_ERRORS, then one last item saying how many more there are, and gives the total as
// `errorCount`; the shape stays the contract's `{"result": false, "response": [{field, message}]}`.
import type { FieldError } from './app-error';

export const MAX_LISTED_ERRORS = 100;

/** Collects the field errors of one request: keeps the first MAX_LISTED_ERRORS, counts them all. */
export class FieldErrorList {
  readonly listed: FieldError[] = [];
  count = 0;
  add(error: FieldError): void {
    this.count++;
    if (this.listed.length < MAX_LISTED_ERRORS) this.listed.push(error);
  }
}

export interface ErrorBody {
  result: false;
  response: FieldError[];
  /** present when the list was cut: every error found */
  errorCount?: number;
}

/** The contract's error body, cut to MAX_LISTED_ERRORS items plus one saying how many more were found. */
export function errorBody(details: FieldError[], errorCount = details.length): ErrorBody {
  const total = Math.max(errorCount, details.length);
  if (total <= MAX_LISTED_ERRORS) return { result: false, response: details };
  const listed = details.slice(0, MAX_LISTED_ERRORS);
  const more = total - listed.length;
  return {
    result: false,
    response: [
      ...listed,
      {
        field: 'body',
        message: `and ${more.toLocaleString('en-US')} more error${more === 1 ? '' : 's'} not listed (${total.toLocaleString('en-US')} in all)`,
      },
    ],
    errorCount: total,
  };
}
