/**
 * A request whose body the custom server has already read off the socket (up to one byte past
 * the limit; see lib/http/direct-routes). lib/http/body's readers take those bytes as they are:
 * a Web stream around them, read back chunk by chunk, cost more than the handler's own work. It
 * carries no stream body, so a route served this way reads its body through those readers.
 */
export class ReadRequest extends Request {
  constructor(
    url: string,
    init: Omit<RequestInit, "body">,
    readonly received: Buffer,
  ) {
    super(url, init);
  }
}
