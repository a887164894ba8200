/**
 * A request whose body the custom server has already read off the socket (up to one byte past
 * the limit; see lib/http/direct-routes). lib/http/body's readers take those bytes as they are:
 * a Web stream around them, read back chunk by chunk, cost more than the handler's own work. It
 * carries no stream body, so a route served this way reads its body through those readers.
 */
export type ReadRequest = Request & { readonly received: Buffer };

const parts = Symbol("parts");

/** The whole Request of each ReadRequest that was asked for more than its own parts. */
const wholes = new WeakMap<object, Request>();

/**
 * What a ReadRequest is made of. It is a Request by its prototype, so that `instanceof` and
 * every member work, but undici's Request (whose constructor cost 6 % of a direct route's time)
 * is built only when a member other than its URL, method and headers is asked for.
 */
class Read {
  private readonly [parts]: { url: string; method: string; headers: Headers };

  constructor(
    url: string,
    method: string,
    headers: Headers,
    readonly received: Buffer,
  ) {
    this[parts] = { url, method, headers };
  }

  get url(): string {
    return this[parts].url;
  }

  get method(): string {
    return this[parts].method;
  }

  get headers(): Headers {
    return this[parts].headers;
  }
}

function whole(read: Read): Request {
  let request = wholes.get(read);
  if (!request) {
    request = new Request(read.url, { method: read.method, headers: read.headers });
    wholes.set(read, request);
  }
  return request;
}

/** Request's other members, each answered by the whole request: its methods bound to it. */
const delegated: PropertyDescriptorMap = {};
for (const key of Reflect.ownKeys(Request.prototype)) {
  if (key === "constructor" || Object.hasOwn(Read.prototype, key)) continue;
  const descriptor = Object.getOwnPropertyDescriptor(Request.prototype, key)!;
  if (!descriptor.get && typeof descriptor.value !== "function") continue;
  delegated[key] = {
    get(this: Read) {
      const request = whole(this);
      const value: unknown = Reflect.get(request, key);
      return typeof value === "function" ? value.bind(request) : value;
    },
  };
}
Object.setPrototypeOf(Read.prototype, Object.create(Request.prototype, delegated));

export function readRequest(url: string, method: string, headers: Headers, received: Buffer): ReadRequest {
  return new Read(url, method, headers, received) as unknown as ReadRequest;
}

export function isReadRequest(request: Request | undefined): request is ReadRequest {
  return request instanceof Read;
}
