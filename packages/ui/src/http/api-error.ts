/**
 * An API request failed for a reason worth telling the browser: a bad parameter (400), an
 * unknown object (404), or a part of the stack that is not there (503). Anything else is a 500.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 503,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}
