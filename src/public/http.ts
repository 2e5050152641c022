export { type Cassette, cassettePath, type Interaction } from '../http/cassette/cassette-file.ts'
export { type HttpMockMode, isCi } from '../http/cassette/cassette-mode.ts'
export type { RedactOptions } from '../http/cassette/redaction.ts'
export { ApiResponse } from '../http/client/api-response.ts'
export type { App, FetchHandler, NodeListener, SentRequest } from '../http/client/app-dispatch.ts'
export { CookieJar } from '../http/client/cookie-jar.ts'
export {
  type ApiClient,
  type ClientOptions,
  createClient,
  type QueryValue,
  type RequestOptions,
} from '../http/client/create-client.ts'
export { type HttpMatchers, httpMatchers } from '../http/client/response-matchers.ts'
export { createHttpMock, type HttpMock, type HttpMockOptions } from '../http/mock/http-mock.ts'
export { runInHttpScope } from '../http/mock/http-scope.ts'
export type {
  MatchOptions,
  MockDeclaration,
  UrlMatcher,
  UrlPatternLike,
  ValueMatcher,
} from '../http/mock/mock-declaration.ts'
