"""Batch-3 notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note  # noqa: F401

NOTES: list[dict] = [
    note("b3-java-jsoup-deflate-body", "jhy/jsoup", "src/main/java/org/jsoup/helper/HttpConnection.java", r"""
         static Response execute(HttpConnection.Request req, @Nullable Response previousResponse) throws IOException {
             HttpURLConnection conn = createConnection(req);
             Response res = new Response(req);
             res.setupFromConnection(conn, previousResponse);
             int status = res.statusCode();
             if (res.hasHeader(LOCATION) && req.followRedirects() && isRedirect(status)) {
                 conn.disconnect();
                 return handleRedirect(req, res);
             }
             InputStream stream = conn.getErrorStream() != null ? conn.getErrorStream() : conn.getInputStream();
-            if (res.hasHeaderWithValue(CONTENT_ENCODING, "gzip")) {
-                res.bodyStream = new GZIPInputStream(stream);
-            } else {
-                res.bodyStream = stream;
-            }
+            if (res.hasHeaderWithValue(CONTENT_ENCODING, "gzip")) {
+                res.bodyStream = new GZIPInputStream(stream);
+            } else if (res.hasHeaderWithValue(CONTENT_ENCODING, "deflate")) {
+                res.bodyStream = new InflaterInputStream(stream, new Inflater(true));
+            } else {
+                res.bodyStream = stream;
+            }
             res.bodyStream = ConstrainableInputStream.wrap(res.bodyStream, DefaultBufferSize, req.maxBodySize());
             res.executed = true;
             return res;
         }
""", say="Responses with a deflate {content encoding|CONTENT_ENCODING} now get unpacked through an {inflater input stream|InflaterInputStream} in nowrap mode, the same way we already handled gzip."),
    note("b3-java-dropwizard-health-503", "dropwizard/dropwizard", "dropwizard-health/src/main/java/io/dropwizard/health/response/HealthServlet.java", r"""
     @Override
     protected void doGet(final HttpServletRequest request, final HttpServletResponse response) throws IOException {
         final String type = request.getParameter(TYPE_PARAM);
         final boolean healthy = healthStatusChecker.isHealthy(type);
         final Collection<HealthStateView> views = healthStatusChecker.getViews(type);
         response.setContentType(MediaType.APPLICATION_JSON);
         response.setHeader(HttpHeaders.CACHE_CONTROL, "must-revalidate,no-cache,no-store");
-        response.setStatus(healthy ? HttpServletResponse.SC_OK : HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
+        response.setStatus(healthy ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
         try (OutputStream out = response.getOutputStream()) {
-            if (healthy || !includeDetailsOnFailure) {
+            if (!includeDetails) {
                 out.write(healthy ? HEALTHY_BODY : UNHEALTHY_BODY);
                 return;
             }
             mapper.writeValue(out, views);
         } catch (IOException e) {
             LOGGER.warn("Failed to write health response", e);
             throw e;
         }
     }
""", say="An unhealthy service now answers five oh three instead of five hundred, so the load balancer pulls it out of rotation rather than treating it like a crash, and the detailed view shows up whenever it's switched on, not only when something fails."),
    note("b3-java-zookeeper-negotiated-timeout", "apache/zookeeper", "zookeeper-server/src/main/java/org/apache/zookeeper/ClientCnxn.java", r"""
         void onConnected(int _negotiatedSessionTimeout, long _sessionId, byte[] _sessionPasswd, boolean isRO) throws IOException {
             negotiatedSessionTimeout = _negotiatedSessionTimeout;
             if (negotiatedSessionTimeout <= 0) {
                 changeZkState(States.CLOSED);
                 eventThread.queueEvent(new WatchedEvent(Watcher.Event.EventType.None, Watcher.Event.KeeperState.Expired, null));
                 eventThread.queueEventOfDeath();
                 String warnInfo = String.format("Unable to reconnect, session 0x%s has expired", Long.toHexString(sessionId));
                 LOG.warn(warnInfo);
                 throw new SessionExpiredException(warnInfo);
             }
             if (!readOnly && isRO) {
                 LOG.error("Read/write client got connected to read-only server");
             }
-            readTimeout = sessionTimeout * 2 / 3;
-            connectTimeout = sessionTimeout / hostProvider.size();
+            readTimeout = negotiatedSessionTimeout * 2 / 3;
+            connectTimeout = negotiatedSessionTimeout / hostProvider.size();
             hostProvider.onConnected();
             sessionId = _sessionId;
             sessionPasswd = _sessionPasswd;
             changeZkState(isRO ? States.CONNECTEDREADONLY : States.CONNECTED);
             seenRwServerBefore |= !isRO;
         }
""", say="Once we're connected, {read timeout|readTimeout} and {connect timeout|connectTimeout} are derived from the {negotiated session timeout|negotiatedSessionTimeout}, because the server can cap the session timeout the client asked for and the old values could outlive the session itself."),
    note("b3-java-glide-bad-redirect-url", "bumptech/glide", "library/src/main/java/com/bumptech/glide/load/data/HttpUrlFetcher.java", r"""
   private InputStream loadDataWithRedirects(
       URL url, int redirects, URL lastUrl, Map<String, String> headers) throws HttpException {
     if (redirects >= MAXIMUM_REDIRECTS) {
       throw new HttpException("Too many (> " + MAXIMUM_REDIRECTS + ") redirects!", INVALID_STATUS_CODE);
     }
     urlConnection = buildAndConfigureConnection(url, headers);
     try {
       urlConnection.connect();
       stream = urlConnection.getInputStream();
     } catch (IOException e) {
       throw new HttpException("Failed to connect or obtain data", getHttpStatusCodeOrInvalid(urlConnection), e);
     }
     if (isCancelled) {
       return null;
     }
     final int statusCode = getHttpStatusCodeOrInvalid(urlConnection);
     if (isHttpOk(statusCode)) {
       return getStreamForSuccessfulRequest(urlConnection);
     } else if (isHttpRedirect(statusCode)) {
       String redirectUrlString = urlConnection.getHeaderField(REDIRECT_HEADER_FIELD);
       if (TextUtils.isEmpty(redirectUrlString)) {
         throw new HttpException("Received empty or null redirect url", statusCode);
       }
-      URL redirectUrl = new URL(url, redirectUrlString);
+      URL redirectUrl;
+      try {
+        redirectUrl = new URL(url, redirectUrlString);
+      } catch (MalformedURLException e) {
+        throw new HttpException("Bad redirect url: " + redirectUrlString, statusCode, e);
+      }
       cleanup();
       return loadDataWithRedirects(redirectUrl, redirects + 1, url, headers);
     }
""", say="A garbage redirect URL used to escape as a raw {malformed u r l exception|MalformedURLException}; now {load data with redirects|loadDataWithRedirects} wraps it in an {http exception|HttpException} carrying the status code, so it reaches the request listener like any other failed load."),
    note("b3-kt-leakcanary-first-dump-delay", "square/leakcanary", "leakcanary-android-core/src/main/java/leakcanary/internal/HeapDumpTrigger.kt", r"""
   private fun checkRetainedObjects() {
     val iCanHasHeap = HeapDumpControl.iCanHasHeap()
     val config = configProvider()
     if (iCanHasHeap is Nope) {
       onRetainInstanceListener.onEvent(Reset)
       return
     }
     var retainedReferenceCount = objectWatcher.retainedObjectCount
     if (retainedReferenceCount > 0) {
       gcTrigger.runGc()
       retainedReferenceCount = objectWatcher.retainedObjectCount
     }
     if (checkRetainedCount(retainedReferenceCount, config.retainedVisibleThreshold)) return
     val now = SystemClock.uptimeMillis()
     val elapsedSinceLastDumpMillis = now - lastHeapDumpUptimeMillis
-    if (elapsedSinceLastDumpMillis < WAIT_BETWEEN_HEAP_DUMPS_MILLIS) {
+    if (lastHeapDumpUptimeMillis != 0L && elapsedSinceLastDumpMillis < WAIT_BETWEEN_HEAP_DUMPS_MILLIS) {
       onRetainInstanceListener.onEvent(DumpHappenedRecently)
       showRetainedCountNotification(
         objectCount = retainedReferenceCount,
         contentText = application.getString(R.string.leak_canary_notification_retained_dump_wait)
       )
       scheduleRetainedObjectCheck(delayMillis = WAIT_BETWEEN_HEAP_DUMPS_MILLIS - elapsedSinceLastDumpMillis)
       return
     }
     dismissRetainedCountNotification()
     dumpHeap(retainedReferenceCount, retry = true, reason = "$retainedReferenceCount retained objects")
   }
""", say="Right after the emulator boots the uptime is still below {wait between heap dumps millis|WAIT_BETWEEN_HEAP_DUMPS_MILLIS}, so we kept postponing the very first heap dump; the wait now only applies once {last heap dump uptime millis|lastHeapDumpUptimeMillis} has actually been set."),
    note("b3-kt-detekt-max-issues-policy", "detekt/detekt", "detekt-cli/src/main/kotlin/io/gitlab/arturbosch/detekt/cli/Spec.kt", r"""
 internal fun CliArgs.createSpec(output: Appendable, error: Appendable): ProcessingSpec {
     val args = this
     return ProcessingSpec {
         logging {
             debug = args.debug
             outputChannel = output
             errorChannel = error
         }
         project {
             basePath = args.basePath
             inputPaths = args.inputPaths
             excludes = args.excludes
             includes = args.includes
         }
         rules {
             autoCorrect = args.autoCorrect
             activateAllRules = args.allRules
-            maxIssuePolicy = RulesSpec.MaxIssuePolicy.NonSpecified
+            maxIssuePolicy = when (val max = args.maxIssues) {
+                null -> RulesSpec.MaxIssuePolicy.NonSpecified
+                -1 -> RulesSpec.MaxIssuePolicy.AllowAny
+                0 -> RulesSpec.MaxIssuePolicy.NoneAllowed
+                else -> RulesSpec.MaxIssuePolicy.AllowAmount(max)
+            }
             excludeCorrectable = false
             runPolicy = RulesSpec.RunPolicy.NoRestrictions
         }
         config {
             useDefaultConfig = args.buildUponDefaultConfig
             configPaths = config?.let { MultipleExistingPathConverter().convert(it) }.orEmpty()
         }
     }
 }
""", say="Hm, the {max issues|maxIssues} argument was parsed and then simply ignored. Now {create spec|createSpec} turns it into the rules policy, so you can allow any number of issues, none at all, or a fixed limit through {allow amount|AllowAmount}."),
    note("b3-scala-sbt-no-color-env", "sbt/sbt", "internal/util-logging/src/main/scala/sbt/internal/util/ConsoleAppender.scala", r"""
   /**
    * Decides whether formatted output should be used when nothing was
    * configured explicitly for this appender.
    */
   private[sbt] def formatEnabledInEnv: Boolean = {
     def useColorDefault: Boolean = {
       // This approximates that both stdin and stdout are connected,
       // so by default color will be turned off for pipes and redirects.
       val hasConsole = Option(java.lang.System.console).isDefined
       ansiSupported && hasConsole
     }
-    sys.props.get("sbt.log.format") match {
-      case Some(x) => parseLogOption(x) == LogOption.Always
-      case None    => useColorDefault
-    }
+    val noColor = sys.env.get("NO_COLOR").exists(_.nonEmpty)
+    sys.props.get("sbt.color").orElse(sys.props.get("sbt.log.format")) match {
+      case Some(x)         => parseLogOption(x) == LogOption.Always
+      case None if noColor => false
+      case None            => useColorDefault
+    }
   }
 
   private[this] def parseLogOption(s: String): LogOption = s.toLowerCase match {
     case "always" | "true" => LogOption.Always
     case "never" | "false" => LogOption.Never
     case _                 => LogOption.Auto
   }
""", say="We respect {no color|NO_COLOR} now: if it's set to anything non-empty and nobody passed {sbt dot color|sbt.color} or the older log format property, sbt turns colour off instead of guessing from the terminal."),
    note("b3-cs-newtonsoft-default-max-depth", "JamesNK/Newtonsoft.Json", "Src/Newtonsoft.Json/JsonSerializerSettings.cs", r"""
     public class JsonSerializerSettings
     {
         internal const ReferenceLoopHandling DefaultReferenceLoopHandling = ReferenceLoopHandling.Error;
         internal const MissingMemberHandling DefaultMissingMemberHandling = MissingMemberHandling.Ignore;
         internal const NullValueHandling DefaultNullValueHandling = NullValueHandling.Include;
+        internal const int DefaultMaxDepth = 64;
 
         internal int? _maxDepth;
+        internal bool _maxDepthSet;
 
         /// <summary>
         /// Gets or sets the maximum depth allowed when reading JSON.
         /// A null value means there is no maximum.
         /// </summary>
         public int? MaxDepth
         {
-            get => _maxDepth;
+            get => _maxDepthSet ? _maxDepth : DefaultMaxDepth;
             set
             {
                 if (value <= 0)
                 {
                     throw new ArgumentException("Value must be positive.", nameof(value));
                 }
 
                 _maxDepth = value;
+                _maxDepthSet = true;
             }
         }
""", say="Should deeply nested JSON really be unlimited out of the box? I gave {max depth|MaxDepth} a default of sixty four via {default max depth|DefaultMaxDepth}, so a hostile payload fails with a reader error instead of a stack overflow, and setting it to {null|null} still turns the limit off."),
]
