import { errorBody, FieldErrorList, MAX_LISTED_ERRORS } from './error-list';

const errors = (n: number) =>
  Array.from({ length: n }, (_, index) => ({ field: 'temperature', message: 'bad', index }));

describe('errorBody', () => {
  it('when there are at most MAX_LISTED_ERRORS errors, then the body is the contract shape with them all', () => {
    expect(errorBody(errors(2))).toEqual({ result: false, response: errors(2) });
    expect(errorBody(errors(MAX_LISTED_ERRORS)).response).toHaveLength(MAX_LISTED_ERRORS);
  });

  it('when there are more, then the first MAX_LISTED_ERRORS are listed, one item says how many more, and errorCount is the total', () => {
    const body = errorBody(errors(MAX_LISTED_ERRORS), 5000);
    expect(body.response).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(body.response[MAX_LISTED_ERRORS]).toEqual({
      field: 'body',
      message: 'and 4,900 more errors not listed (5,000 in all)',
    });
    expect(body.errorCount).toBe(5000);
    expect(errorBody(errors(MAX_LISTED_ERRORS + 1)).response[MAX_LISTED_ERRORS].message).toBe(
      'and 1 more error not listed (101 in all)',
    );
  });
});

describe('FieldErrorList', () => {
  it('keeps the first MAX_LISTED_ERRORS and counts them all', () => {
    const list = new FieldErrorList();
    for (const e of errors(250)) list.add(e);
    expect(list.count).toBe(250);
    expect(list.listed).toEqual(errors(MAX_LISTED_ERRORS));
  });
});
