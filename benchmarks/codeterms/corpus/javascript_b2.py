"""Batch-2 notes, javascript (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES: list[dict] = [
    note("b2-js-fastify-reply-code", "fastify/fastify", "lib/reply.js", r"""
 Reply.prototype.code = function (code) {
   const intValue = Number(code)
   if (isNaN(intValue)) {
     throw new FST_ERR_BAD_STATUS_CODE(String(code))
   }
-  if (intValue < 100 || intValue > 599) {
+  if (!Number.isInteger(intValue) || intValue < 100 || intValue > 599) {
     throw new FST_ERR_BAD_STATUS_CODE(String(code))
   }

   this[kReplyHeaders].status = intValue
   this.raw.statusCode = intValue
   return this
 }
""", say="In {reply dot js|reply.js}, a status code like two hundred point five is now rejected with {bad status code|FST_ERR_BAD_STATUS_CODE} instead of slipping through."),

    note("b2-js-threejs-document-mime", "mrdoob/three.js", "src/loaders/FileLoader.js", r"""
 	async parseResponse( response ) {

 		switch ( this.responseType ) {

 			case 'arraybuffer':
 				return response.arrayBuffer();

 			case 'blob':
 				return response.blob();

 			case 'document': {
 				const text = await response.text();
 				const parser = new DOMParser();
-				return parser.parseFromString( text, this.mimeType );
+				const mimeType = this.mimeType || 'text/html';
+				return parser.parseFromString( text, mimeType );
 			}

 			case 'json':
 				return response.json();

 			default:
 				return response.text();

 		}

 	}
""", say="When the loader was given no type, a document response is parsed as {text slash HTML|text/html} instead of handing an empty string to {DOM parser|DOMParser}."),

    note("b2-js-chartjs-skip-empty-labels", "chartjs/Chart.js", "src/core/core.scale.js", r"""
   _computeLabelSizes(ticks, length, maxTicksLimit) {
     const {ctx, _longestTextCache: caches} = this;
     const widths = [];
     const heights = [];
     const increment = Math.floor(length / getTicksLimit(length, maxTicksLimit));
     let widestLabelSize = 0;
     let highestLabelSize = 0;
     let i, label, tickFont, fontString;

     for (i = 0; i < length; i += increment) {
       label = ticks[i].label;
+      if (label === null || label === undefined) {
+        continue;
+      }
       tickFont = this._resolveTickFontOptions(i);
       ctx.font = fontString = tickFont.string;
       const cache = caches[fontString] = caches[fontString] || {data: {}, gc: []};
       const width = measureLabelWidth(ctx, cache, label);
       widths.push(width);
       heights.push(tickFont.lineHeight);
       widestLabelSize = Math.max(width, widestLabelSize);
       highestLabelSize = Math.max(tickFont.lineHeight, highestLabelSize);
     }
""", say="Ticks with no label are now skipped while the label sizes are measured, so sparse axes stop throwing halfway through a render."),

    note("b2-js-koa-blob-body", "koajs/koa", "lib/response.js", r"""
   set body (val) {
     const original = this._body
     this._body = val
     const setType = !this.has('Content-Type')

     // no content
     if (val == null) {
       if (!statuses.empty[this.status]) this.status = 204
       this.remove('Content-Type')
       this.remove('Content-Length')
       return
     }

     if (!this._explicitStatus) this.status = 200

+    // blob
+    if (val instanceof Blob) {
+      if (setType) this.type = val.type || 'bin'
+      this.length = val.size
+      return
+    }
+
     // string
     if (typeof val === 'string') {
       if (setType) this.type = /^\s*</.test(val) ? 'html' : 'text'
       this.length = Buffer.byteLength(val)
       return
     }
""", say="A body can be a blob now. Its size becomes the content length and its own type is used, falling back to plain binary when it has none."),

    note("b2-js-mocha-stack-filter", "mochajs/mocha", "lib/runner.js", r"""
 Runner.prototype.fail = function (test, err, force) {
   force = force === true;
   if (test.isPending() && !force) {
     return;
   }
   if (this.state === constants.STATE_STOPPED) {
     throw createFatalError(
       'Test failed after root suite execution completed!',
       err
     );
   }

   ++this.failures;
   debug('total number of failures: %d', this.failures);
   test.state = STATE_FAILED;

   if (!isError(err)) {
     err = thrown2Error(err);
   }

   try {
-    err.stack =
-      this.fullStackTrace || !err.stack ? err.stack : stackFilter(err.stack);
+    if (!this.fullStackTrace && err.stack) {
+      err.stack = stackFilter(err.stack);
+    }
   } catch (ignore) {
     // some environments do not take kindly to monkeying with the stack
   }
""", say="I untangled that ternary. The stack only goes through {stack filter|stackFilter} when {full stack trace|fullStackTrace} is off and the error actually has a stack."),

    note("b2-js-jquery-local-success", "jquery/jquery", "src/ajax.js", r"""
 		function done( status, nativeStatusText, responses, headers ) {
 			var isSuccess, success, error, response, modified,
 				statusText = nativeStatusText;

 			// Ignore repeat invocations
 			if ( completed ) {
 				return;
 			}

 			completed = true;

 			// Clear timeout if it exists
 			if ( timeoutTimer ) {
 				window.clearTimeout( timeoutTimer );
 			}

 			transport = undefined;
 			responseHeadersString = headers || "";
 			jqXHR.readyState = status > 0 ? 4 : 0;

 			// Determine if successful
-			isSuccess = status >= 200 && status < 300 || status === 304;
+			isSuccess = status >= 200 && status < 300 || status === 304 ||
+				( status === 0 && s.isLocal && !!responses );

 			// Get response data
 			if ( responses ) {
 				response = ajaxHandleResponses( s, jqXHR, responses );
 			}
""", say="For pages opened from disk, {is success|isSuccess} is now true on status zero as long as something came back, but only when {is local|isLocal} is set."),

    note("b2-js-moment-rfc-weekday", "moment/moment", "src/lib/create/from-string.js", r"""
 export function configFromRFC2822(config) {
     var match = rfc2822.exec(preprocessRFC2822(config._i)),
         parsedArray;
     if (match) {
         parsedArray = extractFromRFC2822Strings(
             match[4],
             match[3],
             match[2],
             match[5],
             match[6],
             match[7]
         );
-        if (!checkWeekday(match[1], parsedArray, config)) {
+        if (match[1] && !checkWeekday(match[1], parsedArray, config)) {
             return;
         }

         config._a = parsedArray;
         config._tzm = calculateOffset(match[8], match[9], match[10]);
         config._d = createUTCDate.apply(null, config._a);
         getParsingFlags(config).rfc2822 = true;
     } else {
         config._isValid = false;
     }
 }
""", say="An RFC twenty eight twenty two date without a weekday name is accepted again. The weekday is only checked when one was actually given."),

    note("b2-js-sequelize-fk-error-sql", "sequelize/sequelize", "src/dialects/postgres/query.js", r"""
   formatError(err) {
     let table;
     let index;

     const code = err.code || err.sqlState;
     const errMessage = err.message || err.messagePrimary;

     switch (code) {
       case '23503':
         index = errMessage.match(/violates foreign key constraint "(.+?)"/);
         index = index ? index[1] : undefined;
         table = errMessage.match(/on table "(.+?)"/);
         table = table ? table[1] : undefined;

         return new sequelizeErrors.ForeignKeyConstraintError({
           message: errMessage,
           fields: null,
           index,
           table,
-          parent: err
+          parent: err,
+          sql: this.sql
         });
       default:
         return new sequelizeErrors.DatabaseError(err);
     }
   }
""", say="The foreign key error now also carries the SQL of the failing query, next to the parent error, so the logs show what actually ran."),

    note("b2-js-hapi-max-bytes", "hapijs/hapi", "lib/route.js", r"""
     _setupPayload() {

         const config = this.settings.payload;
         if (this.method === 'get' || this.method === 'head') {
             return;
         }

         if (config.output === 'stream' && config.parse === true) {
             throw new Error('Cannot parse a streamed payload: ' + this.path);
         }

-        config.maxBytes = config.maxBytes || 1024 * 1024;
+        config.maxBytes = config.maxBytes ?? internals.defaultMaxBytes;
+        if (config.maxBytes <= 0) {
+            throw new Error('Payload maxBytes must be positive: ' + this.path);
+        }

         this._extensions.onPostAuth.add(internals.payload);
     }
""", say="Setting {max bytes|maxBytes} to zero used to quietly fall back to one megabyte. Now the route throws, and the default lives in {default max bytes|defaultMaxBytes}."),

    note("b2-js-npm-global-save-dev", "npm/cli", "lib/commands/install.js", r"""
   async exec (args) {
     // the /path/to/node_modules/..
     const globalTop = resolve(this.npm.globalDir, '..')
     const ignoreScripts = this.npm.config.get('ignore-scripts')
     const isGlobalInstall = this.npm.global
     const where = isGlobalInstall ? globalTop : this.npm.prefix
     const forced = this.npm.config.get('force')
+
+    if (isGlobalInstall && this.npm.config.get('save-dev')) {
+      log.warn('install', 'the --save-dev flag does nothing for global installs')
+    }

     const opts = {
       ...this.npm.flatOptions,
       auditLevel: null,
       path: where,
       add: args,
       workspaces: this.workspaceNames,
     }
     const arb = new Arborist(opts)
     await arb.reify(opts)
""", say="Passing {save dev|save-dev} with a global install now logs a warning, since the flag does nothing when {is global install|isGlobalInstall} is true."),

    note("b2-js-vite-static-internal", "vitejs/vite", "packages/vite/src/node/server/middlewares/static.ts", r"""
 export function serveStaticMiddleware(
   server: ViteDevServer,
 ): Connect.NextHandleFunction {
   const dir = server.config.publicDir
   const serve = sirv(dir, sirvOptions({ getHeaders: () => server.config.server.headers }))

   return function viteServeStaticMiddleware(req, res, next) {
     const cleanedUrl = cleanUrl(req.url!)
     // html and directories are handled by the html middleware
     if (
       cleanedUrl.endsWith('/') ||
-      path.extname(cleanedUrl) === '.html'
+      path.extname(cleanedUrl) === '.html' ||
+      isInternalRequest(req.url!)
     ) {
       return next()
     }
     serve(req, res, next)
   }
 }
""", say="In {static dot ts|static.ts}, internal requests such as the client script now skip the public folder lookup through {is internal request|isInternalRequest}. Please check the overlay still loads."),

    note("b2-js-playwright-jpeg-quality", "microsoft/playwright", "packages/playwright-core/src/server/screenshotter.ts", r"""
 export function validateScreenshotOptions(options: ScreenshotOptions): 'png' | 'jpeg' {
   let format: 'png' | 'jpeg' | null = null;
   if (options.type) {
     assert(options.type === 'png' || options.type === 'jpeg', 'Unknown options.type value: ' + options.type);
     format = options.type;
   }
   if (!format)
     format = 'png';

   if (options.quality !== undefined) {
     assert(format === 'jpeg', 'options.quality is unsupported for the ' + format + ' screenshots');
     assert(typeof options.quality === 'number', 'Expected options.quality to be a number but found ' + typeof options.quality);
     assert(Number.isInteger(options.quality), 'Expected options.quality to be an integer');
-    assert(options.quality >= 0 && options.quality <= 100, 'Expected options.quality to be between 0 and 100 (inclusive), got ' + options.quality);
+    assert(options.quality >= 1 && options.quality <= 100, 'Expected options.quality to be between 1 and 100 (inclusive), got ' + options.quality);
   }
   return format;
 }
""", say="A quality of zero is rejected now. JPEG screenshots need a quality between one and a hundred, and the error message says so."),

    note("b2-js-nest-sse-content-type", "nestjs/nest", "packages/core/router/router-response-controller.ts", r"""
   public sse(
     result: Observable<MessageEvent> | Promise<Observable<MessageEvent>>,
     response: WritableHeaderStream,
     request: IncomingMessage,
     options?: { additionalHeaders: AdditionalHeaders },
   ) {
     if (result instanceof Promise) {
       return result.then(observable => this.sse(observable, response, request, options));
     }
     this.assertObservable(result);

     const stream = new SseStream(request);
-    stream.pipe(response, options);
+    stream.pipe(response, {
+      additionalHeaders: {
+        'Content-Type': 'text/event-stream',
+        ...options?.additionalHeaders,
+      },
+    });

     const subscription = result.subscribe(message => stream.writeMessage(message));
     request.on('close', () => subscription.unsubscribe());
   }
""", say="Server-sent event responses default to {text slash event stream|text/event-stream}, but {additional headers|additionalHeaders} from the caller can still override it."),

    note("b2-js-typeorm-negative-take", "typeorm/typeorm", "src/query-builder/SelectQueryBuilder.ts", r"""
     take(take?: number): this {
         take = take !== undefined ? +take : undefined
         if (take !== undefined && isNaN(take))
             throw new TypeORMError(
                 `Provided "take" value is not a number. Please provide a numeric value.`,
             )
+        if (take !== undefined && take < 0)
+            throw new TypeORMError(
+                `Provided "take" value must not be negative.`,
+            )

         this.expressionMap.take = take
         return this
     }
""", say="Passing a negative number to {take|take} now throws a {type ORM error|TypeORMError} right away, rather than building a broken limit clause."),

    note("b2-js-zod-lazy-email-regex", "colinhacks/zod", "src/types.ts", r"""
   _parse(input: ParseInput): ParseReturnType<string> {
     const parsedType = this._getType(input);
     if (parsedType !== ZodParsedType.string) {
       return this._invalidType(input);
     }

     const status = new ParseStatus();
     let ctx: undefined | ParseContext = undefined;

     for (const check of this._def.checks) {
       if (check.kind === "email") {
-        if (!emailRegex.test(input.data)) {
+        if (!emailRegex) {
+          emailRegex = new RegExp(_emailRegex, "u");
+        }
+        if (!emailRegex.test(input.data)) {
           ctx = this._getOrReturnCtx(input, ctx);
           addIssueToContext(ctx, {
             validation: "email",
             code: ZodIssueCode.invalid_string,
             message: check.message,
           });
           status.dirty();
         }
       }
     }
     return { status: status.value, value: input.data };
   }
""", say="The email pattern is compiled lazily now, on the first email check, so just importing the library no longer builds a Unicode regex up front."),

    note("b2-js-puppeteer-idle-concurrency", "puppeteer/puppeteer", "packages/puppeteer-core/src/api/Page.ts", r"""
   async waitForNetworkIdle(
     options: WaitForNetworkIdleOptions = {},
   ): Promise<void> {
     const {
       idleTime = NETWORK_IDLE_TIME,
       timeout: ms = this._timeoutSettings.timeout(),
+      concurrency = 0,
     } = options;

     await firstValueFrom(
-      this.waitForNetworkIdle$({idleTime, timeout: ms}),
+      this.waitForNetworkIdle$({idleTime, timeout: ms, concurrency}),
     );
   }
""", say="{Wait for network idle|waitForNetworkIdle} takes a {concurrency|concurrency} option now, so a page that keeps one long-polling request open can still count as idle."),

    note("b2-js-rollup-parallel-ops", "rollup/rollup", "src/utils/options/normalizeInputOptions.ts", r"""
 const getMaxParallelFileOps = (
 	config: InputOptions,
 	log: LogHandler
 ): NormalizedInputOptions['maxParallelFileOps'] => {
 	const maxParallelFileOps = config.maxParallelFileOps;
 	if (typeof maxParallelFileOps === 'number') {
 		if (maxParallelFileOps <= 0) return Infinity;
-		return maxParallelFileOps;
+		if (Number.isInteger(maxParallelFileOps)) return maxParallelFileOps;
+		log(
+			LOGLEVEL_WARN,
+			logInvalidOption('maxParallelFileOps', URL_MAXPARALLELFILEOPS, 'must be a whole number', maxParallelFileOps)
+		);
+		return Math.floor(maxParallelFileOps);
 	}
 	return 20;
 };
""", say="A fractional {max parallel file ops|maxParallelFileOps} now gets a warning and is rounded down. Before, it silently went into the file queue as it was."),

    note("b2-js-trpc-endpoint-prefix", "trpc/trpc", "packages/server/src/adapters/fetch/fetchRequestHandler.ts", r"""
 export async function fetchRequestHandler<TRouter extends AnyRouter>(
   opts: FetchHandlerRequestOptions<TRouter>,
 ): Promise<Response> {
   const resHeaders = new Headers();

   const createContext: ResolveHTTPRequestOptionsContextFn<TRouter> = async (innerOpts) => {
     return await opts.createContext?.({ req: opts.req, resHeaders, ...innerOpts });
   };

   const url = new URL(opts.req.url);
   const pathname = trimSlashes(url.pathname);
   const endpoint = trimSlashes(opts.endpoint);
+  if (!pathname.startsWith(endpoint)) {
+    return new Response(null, { status: 404 });
+  }
   const path = trimSlashes(pathname.slice(endpoint.length));

   return await resolveResponse({
     ...opts,
     req: opts.req,
     createContext,
     path,
     error: null,
   });
 }
""", say="Requests outside the configured endpoint now get a plain four oh four, instead of us slicing their path name into some random procedure name."),

    note("b2-js-date-fns-weekend-context", "date-fns/date-fns", "src/differenceInBusinessDays/index.ts", r"""
 export function differenceInBusinessDays(
   laterDate: DateArg<Date> & {},
   earlierDate: DateArg<Date> & {},
   options?: DifferenceInBusinessDaysOptions | undefined,
 ): number {
   const [laterDate_, earlierDate_] = normalizeDates(options?.in, laterDate, earlierDate);

   if (!isValid(laterDate_) || !isValid(earlierDate_)) return NaN;

   const diff = differenceInCalendarDays(laterDate_, earlierDate_);
   const sign = diff < 0 ? -1 : 1;
   const weeks = Math.trunc(diff / 7);

   let result = weeks * 5;
   let movingDate = addDays(earlierDate_, weeks * 7);

   // at most six more days are left that don't make up a full week
   while (!isSameDay(laterDate_, movingDate)) {
-    result += isWeekend(movingDate) ? 0 : sign;
+    result += isWeekend(movingDate, { in: options?.in }) ? 0 : sign;
     movingDate = addDays(movingDate, sign);
   }

   return result === 0 ? 0 : result;
 }
""", say="The weekend check now runs in the caller's time zone as well, because the context option is passed on to {is weekend|isWeekend}."),

    note("b2-js-astro-do-not-track", "withastro/astro", "packages/telemetry/src/index.ts", r"""
 	get isDisabled(): boolean {
 		// the environment wins over the stored setting
 		const env = this.env;
 		if (this.isCI && !env.ASTRO_TELEMETRY_ENABLED) {
 			return true;
 		}
-		if (Boolean(env.ASTRO_TELEMETRY_DISABLED || env.TELEMETRY_DISABLED)) {
+		if (Boolean(env.ASTRO_TELEMETRY_DISABLED || env.TELEMETRY_DISABLED) || env.DO_NOT_TRACK === '1') {
 			return true;
 		}
 		return this.config.get(this.TELEMETRY_DISABLED) === false;
 	}
""", say="Telemetry is also off when {do not track|DO_NOT_TRACK} is set to one, next to the existing {Astro telemetry disabled|ASTRO_TELEMETRY_DISABLED} variable."),
]
