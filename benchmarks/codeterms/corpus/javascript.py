"""JavaScript and TypeScript notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES = [
    note("js-express-sendfile", "expressjs/express", "lib/response.js", r"""
 res.sendFile = function sendFile(path, options, callback) {
   var done = callback;
   var req = this.req;
   var res = this;
   var next = req.next;
   var opts = options || {};
   if (!path) {
     throw new TypeError('path argument is required to res.sendFile');
   }
   if (typeof path !== 'string') {
     throw new TypeError('path must be a string to res.sendFile');
   }
-  if (!opts.root && !isAbsolute(path)) {
+  if (!opts.root && !isAbsolute(path) && !opts.allowRelative) {
     throw new TypeError('path must be absolute or specify root to res.sendFile');
   }
   var pathname = encodeURI(path);
   var file = send(req, pathname, opts);
 };
""", say="{Send file|sendFile} accepts a relative path when the {allow relative|allowRelative} option is set."),
    note("js-express-json", "expressjs/express", "lib/response.js", r"""
 res.json = function json(obj) {
   var val = obj;
   var app = this.app;
   var escape = app.get('json escape');
   var replacer = app.get('json replacer');
   var spaces = app.get('json spaces');
   var body = stringify(val, replacer, spaces, escape);
   if (!this.get('Content-Type')) {
-    this.set('Content-Type', 'application/json');
+    this.set('Content-Type', 'application/json; charset=utf-8');
   }
   return this.send(body);
 };
""", say="The JSON response now says charset UTF eight in its content type."),
    note("js-react-hooks", "facebook/react", "packages/react-reconciler/src/ReactFiberHooks.js", r"""
 function updateReducerImpl(hook, current, reducer) {
   const queue = hook.queue;
   if (queue === null) {
     throw new Error('Should have a queue. You are likely calling Hooks conditionally.');
   }
   queue.lastRenderedReducer = reducer;
   let baseQueue = hook.baseQueue;
   const pendingQueue = queue.pending;
   if (pendingQueue !== null) {
     if (baseQueue !== null) {
-      const baseFirst = baseQueue.next;
+      const baseFirst = baseQueue.next;
+      const pendingFirst = pendingQueue.next;
+      baseQueue.next = pendingFirst;
+      pendingQueue.next = baseFirst;
     }
     current.baseQueue = baseQueue = pendingQueue;
     queue.pending = null;
   }
 }
""", say="In {update reducer impl|updateReducerImpl} the pending queue is merged into the base queue by swapping their first updates."),
    note("js-vue-shallowref", "vuejs/core", "packages/reactivity/src/ref.ts", r"""
 class RefImpl<T> {
   private _value: T
   private _rawValue: T
   public dep?: Dep = undefined
   public readonly __v_isRef = true

   constructor(value: T, public readonly __v_isShallow: boolean) {
     this._rawValue = __v_isShallow ? value : toRaw(value)
     this._value = __v_isShallow ? value : toReactive(value)
   }

   set value(newVal) {
-    newVal = this.__v_isShallow ? newVal : toRaw(newVal)
+    const useDirectValue = this.__v_isShallow || isShallow(newVal) || isReadonly(newVal)
+    newVal = useDirectValue ? newVal : toRaw(newVal)
     if (hasChanged(newVal, this._rawValue)) {
       this._rawValue = newVal
       triggerRefValue(this)
     }
   }
 }
""", say="Setting a ref's value keeps a shallow or readonly value as it is, through {use direct value|useDirectValue}, instead of calling {to raw|toRaw} on it."),
    note("js-vscode-textmodel", "microsoft/vscode", "src/vs/editor/common/model/textModel.ts", r"""
 export class TextModel extends Disposable implements model.ITextModel {
   public getLineContent(lineNumber: number): string {
     this._assertNotDisposed();
     if (lineNumber < 1 || lineNumber > this.getLineCount()) {
       throw new BugIndicatingError('Illegal value for lineNumber');
     }
     return this._buffer.getLineContent(lineNumber);
   }

   public getLineFirstNonWhitespaceColumn(lineNumber: number): number {
     this._assertNotDisposed();
     if (lineNumber < 1 || lineNumber > this.getLineCount()) {
       throw new BugIndicatingError('Illegal value for lineNumber');
     }
-    return this._buffer.getLineFirstNonWhitespaceColumn(lineNumber);
+    const result = this._buffer.getLineFirstNonWhitespaceColumn(lineNumber);
+    return result === 0 ? this.getLineMaxColumn(lineNumber) : result;
   }
 }
""", say="A blank line now reports its max column as the first non whitespace column, using {get line max column|getLineMaxColumn}."),
    note("js-vscode-plain", "microsoft/vscode", "src/vs/base/common/strings.ts", r"""
 export function firstNonWhitespaceIndex(str: string): number {
   for (let i = 0, len = str.length; i < len; i++) {
     const chCode = str.charCodeAt(i);
     if (chCode !== CharCode.Space && chCode !== CharCode.Tab) {
       return i;
     }
   }
   return -1;
 }

 export function getLeadingWhitespace(str: string, start: number = 0, end: number = str.length): string {
   for (let i = start; i < end; i++) {
     const chCode = str.charCodeAt(i);
-    if (chCode !== CharCode.Space) {
+    if (chCode !== CharCode.Space && chCode !== CharCode.Tab) {
       return str.substring(start, i);
     }
   }
   return str.substring(start, end);
 }
""", say="Tabs count as leading whitespace too, not only spaces."),
    note("js-axios-timeout", "axios/axios", "lib/adapters/xhr.js", r"""
 export default isXHRAdapterSupported && function (config) {
   return new Promise(function dispatchXhrRequest(resolve, reject) {
     const _config = resolveConfig(config);
     let requestData = _config.data;
     const requestHeaders = AxiosHeaders.from(_config.headers).normalize();
     let {responseType, onUploadProgress, onDownloadProgress} = _config;
     let request = new XMLHttpRequest();
     request.open(_config.method.toUpperCase(), _config.url, true);
     request.timeout = _config.timeout;
     request.ontimeout = function handleTimeout() {
-      let timeoutErrorMessage = 'timeout exceeded';
+      let timeoutErrorMessage = _config.timeout ? 'timeout of ' + _config.timeout + 'ms exceeded' : 'timeout exceeded';
+      const transitional = _config.transitional || transitionalDefaults;
+      if (_config.timeoutErrorMessage) {
+        timeoutErrorMessage = _config.timeoutErrorMessage;
+      }
       reject(new AxiosError(timeoutErrorMessage, AxiosError.ETIMEDOUT, config, request));
     };
   });
 }
""", say="The timeout error says how many milliseconds passed, and a custom {timeout error message|timeoutErrorMessage} from the config wins."),
    note("js-lodash-debounce", "lodash/lodash", "debounce.js", r"""
 function debounce(func, wait, options) {
   let lastArgs, lastThis, maxWait, result, timerId, lastCallTime
   let lastInvokeTime = 0
   let leading = false
   let maxing = false
   let trailing = true
   const useRAF = (!wait && wait !== 0 && typeof root.requestAnimationFrame === 'function')

   function shouldInvoke(time) {
     const timeSinceLastCall = time - lastCallTime
     const timeSinceLastInvoke = time - lastInvokeTime
     return (lastCallTime === undefined || (timeSinceLastCall >= wait) ||
-      (timeSinceLastCall < 0))
+      (timeSinceLastCall < 0) || (maxing && timeSinceLastInvoke >= maxWait))
   }
   return debounced
 }
""", say="{Should invoke|shouldInvoke} also fires when {max wait|maxWait} has passed since the last invoke."),
    note("ts-nextjs-headers", "vercel/next.js", "packages/next/src/server/base-server.ts", r"""
 export default abstract class Server {
   protected async renderToResponseWithComponents(ctx, findComponentsResult) {
     const { req, res, pathname } = ctx
     const is404Page = pathname === '/404'
     const is500Page = pathname === '/500'
     const isAppPath = findComponentsResult.components.isAppPath
     const hasServerProps = !!findComponentsResult.components.getServerSideProps
     let resolvedUrlPathname = pathname
     if (isAppPath) {
       res.setHeader('vary', RSC_VARY_HEADER)
     }
-    if (hasServerProps) {
+    if (hasServerProps && !is404Page && !is500Page) {
       res.setHeader('Cache-Control', 'private, no-cache, no-store, max-age=0, must-revalidate')
     }
     return this.sendRenderResult(req, res, resolvedUrlPathname)
   }
 }
""", say="The no store cache control header is left off the four oh four and five hundred pages, even when they have server props."),
    note("ts-angular-signal", "angular/angular", "packages/core/primitives/signals/src/signal.ts", r"""
 export function createSignal<T>(initialValue: T): SignalGetter<T> {
   const node: SignalNode<T> = Object.create(SIGNAL_NODE);
   node.value = initialValue;
   const getter = (() => {
     producerAccessed(node);
     return node.value;
   }) as SignalGetter<T>;
   (getter as any)[SIGNAL] = node;
   return getter;
 }

 export function signalSetFn<T>(node: SignalNode<T>, newValue: T) {
   if (!producerUpdatesAllowed()) {
     throwInvalidWriteToSignalError();
   }
-  if (node.value !== newValue) {
+  if (!node.equal(node.value, newValue)) {
     node.value = newValue;
     signalValueChanged(node);
   }
 }
""", say="{Signal set fn|signalSetFn} asks the node's equal function whether the value changed instead of comparing with triple equals."),
    note("ts-typescript-diag", "microsoft/TypeScript", "src/compiler/program.ts", r"""
 export function createProgram(rootNamesOrOptions, _options, _host, _oldProgram, _configFileParsingDiagnostics): Program {
   let processingDefaultLibFiles: SourceFile[] | undefined;
   let processingOtherFiles: SourceFile[] | undefined;
   let files: SourceFile[];
   let symlinks: SymlinkCache | undefined;
   let commonSourceDirectory: string;
   let typeChecker: TypeChecker;
   let classifiableNames: Set<__String>;

   function getSemanticDiagnosticsForFile(sourceFile: SourceFile, cancellationToken: CancellationToken | undefined) {
-    return getDiagnosticsHelper(sourceFile, getSemanticDiagnosticsForFileNoCache, cancellationToken);
+    return concatenate(
+      filterSemanticDiagnostics(getBindAndCheckDiagnosticsForFile(sourceFile, cancellationToken), options),
+      getProgramDiagnostics(sourceFile),
+    );
   }
 }
""", say="Semantic diagnostics for a file are now the filtered bind and check diagnostics plus {get program diagnostics|getProgramDiagnostics}."),
    note("ts-deno-mime", "denoland/deno", "ext/fetch/26_fetch.js", r"""
 function handleWasmStreaming(source, rid) {
   try {
     const res = webidl.converters["Response"](source, "Failed to call 'WebAssembly.compileStreaming'");
     if (res.type !== "basic" && res.type !== "cors" && res.type !== "default") {
       throw new TypeError("Invalid WebAssembly response: type is not basic, cors or default");
     }
     if (!res.ok) {
       throw new TypeError(`HTTP status code ${res.status}`);
     }
     const contentType = res.headers.get("Content-Type");
-    if (contentType !== "application/wasm") {
+    if (typeof contentType !== "string" || getEssence(contentType) !== "application/wasm") {
       throw new TypeError("Invalid WebAssembly content type");
     }
   } catch (err) {
     abortWasmStreaming(rid, err);
   }
 }
""", say="Streaming compilation compares only the essence of the {content type|contentType}, so {application slash wasm|application/wasm} with parameters is accepted."),
    note("ts-prettier-plain", "prettier/prettier", "src/language-js/print/template-literal.js", r"""
 function printTemplateLiteral(path, print, options) {
   const { node } = path;
   const isTemplateLiteral = node.type === "TemplateLiteral";
   if (isTemplateLiteral && isJestEachTemplateLiteral(path)) {
     const printed = printJestEachTemplateLiteral(path, options, print);
     if (printed) {
       return printed;
     }
   }
   let expressionsKey = "expressions";
   if (node.type === "TSTemplateLiteralType") {
     expressionsKey = "types";
   }
   const parts = [];
-  let expressionDocs = path.map(print, expressionsKey);
+  let expressionDocs = path.map(print, expressionsKey);
+  expressionDocs = expressionDocs.map((doc) => printDocToString(doc, { ...options, printWidth: Number.POSITIVE_INFINITY }).formatted);
   parts.push(lineSuffixBoundary, "`");
   return parts;
 }
""", say="Expressions inside template literals are printed on one line now, whatever the {print width|printWidth} is."),
    note("ts-webpack-chunk", "webpack/webpack", "lib/optimize/SplitChunksPlugin.js", r"""
 module.exports = class SplitChunksPlugin {
   apply(compiler) {
     const cachedMakePathsRelative = makePathsRelative.bindContextCache(compiler.context, compiler.root);
     compiler.hooks.thisCompilation.tap("SplitChunksPlugin", compilation => {
       const logger = compilation.getLogger("webpack.SplitChunksPlugin");
       let alreadyOptimized = false;
       compilation.hooks.unseal.tap("SplitChunksPlugin", () => {
         alreadyOptimized = false;
       });
       compilation.hooks.optimizeChunks.tap({ name: "SplitChunksPlugin", stage: STAGE_ADVANCED }, chunks => {
         if (alreadyOptimized) return;
         alreadyOptimized = true;
-        logger.time("prepare");
+        logger.time("prepare");
+        const chunkIndexMap = new Map();
+        for (const chunk of chunks) chunkIndexMap.set(chunk, chunkIndexMap.size);
         const chunkGraph = compilation.chunkGraph;
       });
     });
   }
 };
""", say="The {split chunks plugin|SplitChunksPlugin} numbers every chunk up front in a {chunk index map|chunkIndexMap}, so the keys it builds later are cheaper."),
    note("ts-jest-snapshot", "jestjs/jest", "packages/jest-snapshot/src/State.ts", r"""
 export default class SnapshotState {
   match({testName, received, key, inlineSnapshot, isInline, error}: SnapshotMatchOptions): SnapshotReturnOptions {
     this._counters.set(testName, (this._counters.get(testName) || 0) + 1);
     const count = Number(this._counters.get(testName));
     if (!key) {
       key = testNameToKey(testName, count);
     }
     if (!(isInline && this._snapshotData[key] !== undefined)) {
       this._uncheckedKeys.delete(key);
     }
     const receivedSerialized = addExtraLineBreaks(serialize(received, undefined, this.snapshotFormat));
     const expected = isInline ? inlineSnapshot : this._snapshotData[key];
-    const pass = expected === receivedSerialized;
+    const pass = expected === receivedSerialized || normalizeNewlines(expected) === normalizeNewlines(receivedSerialized);
     const hasSnapshot = expected !== undefined;
     return {actual: receivedSerialized, count, expected, key, pass};
   }
 }
""", say="A snapshot with Windows line endings still passes: both sides go through {normalize newlines|normalizeNewlines} before the comparison."),
    note("ts-eslint-fix", "eslint/eslint", "lib/rules/prefer-const.js", r"""
 module.exports = {
   create(context) {
     const sourceCode = context.sourceCode;
     const options = context.options[0] || {};
     const shouldMatchAnyDestructuredVariable = options.destructuring !== "all";
     const ignoreReadBeforeAssign = options.ignoreReadBeforeAssign === true;
     const variables = [];
     let reportCount = 0;
     let checkedId = null;
     let checkedName = "";

     function checkGroup(nodes) {
       const nodesToReport = nodes.filter(Boolean);
-      if (nodes.length && (shouldMatchAnyDestructuredVariable || nodesToReport.length === nodes.length)) {
+      if (nodes.length && (shouldMatchAnyDestructuredVariable || nodesToReport.length === nodes.length) && !ignoreReadBeforeAssign) {
         const varDeclParent = findUp(nodes[0], "VariableDeclaration", parentNode => parentNode.type.endsWith("Statement"));
       }
     }
   }
 };
""", say="The group check skips reporting when {ignore read before assign|ignoreReadBeforeAssign} is set."),
    note("js-node-readline", "nodejs/node", "lib/internal/readline/interface.js", r"""
 class Interface extends InterfaceConstructor {
   [kTtyWrite](s, key) {
     const previousKey = this[kPreviousKey];
     key = key || kEmptyObject;
     this[kPreviousKey] = key;
     if (key.name === 'escape') return;
     if (key.ctrl && key.shift) {
       switch (key.name) {
         case 'backspace':
           this[kDeleteLineLeft]();
           break;
         case 'delete':
-          this[kDeleteLineRight]();
+          this[kDeleteLineRight]();
+          this[kRefreshLine]();
           break;
       }
     }
   }
 }
""", say="Control shift delete refreshes the line after deleting to its right end, like backspace already did."),
    note("ts-svelte-plain", "sveltejs/svelte", "packages/svelte/src/compiler/phases/1-parse/state/tag.js", r"""
 function open(parser) {
   let start = parser.index - 2;
   while (parser.template[start] !== '{') start -= 1;
   if (parser.eat('#')) {
     if (parser.eat('if')) {
       parser.require_whitespace();
       const expression = read_expression(parser);
       parser.allow_whitespace();
       parser.eat('}', true);
       const block = parser.append({ type: 'IfBlock', elseif: false, start, end: -1, test: expression });
       parser.stack.push(block);
       return;
     }
-    parser.error('Expected if, each or await');
+    parser.error('Expected if, each, await or key after the opening brace');
   }
 }
""", say="The parser error now lists every block you can open after the brace, key included."),
    note("ts-redux-thunk", "reduxjs/redux-toolkit", "packages/toolkit/src/createAsyncThunk.ts", r"""
 export const createAsyncThunk = (() => {
   function createAsyncThunk(typePrefix, payloadCreator, options) {
     const fulfilled = createAction(typePrefix + '/fulfilled', (payload, requestId, arg, meta) => ({ payload, meta }));
     const pending = createAction(typePrefix + '/pending', (requestId, arg, meta) => ({ payload: undefined, meta }));
     function actionCreator(arg) {
       return (dispatch, getState, extra) => {
         const requestId = options?.idGenerator ? options.idGenerator(arg) : nanoid();
         const abortController = new AbortController();
         let abortHandler;
         let abortReason;
-        const promise = (async function () {
+        const promise = (async function () {
+          if (abortController.signal.aborted) throw { name: 'AbortError', message: abortReason || 'Aborted' };
           let finalAction;
         })();
       };
     }
   }
 })();
""", say="An async thunk that was aborted before it started rejects right away with the {abort reason|abortReason}."),
]
