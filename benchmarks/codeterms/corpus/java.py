"""Java and Kotlin notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES = [
    note("java-spring-mime", "spring-projects/spring-framework", "spring-web/src/main/java/org/springframework/http/converter/json/AbstractJackson2HttpMessageConverter.java", r"""
 public abstract class AbstractJackson2HttpMessageConverter extends AbstractGenericHttpMessageConverter<Object> {
 	@Override
 	public boolean canRead(Type type, @Nullable Class<?> contextClass, @Nullable MediaType mediaType) {
 		if (!canRead(mediaType)) {
 			return false;
 		}
 		JavaType javaType = getJavaType(type, contextClass);
 		ObjectMapper objectMapper = selectObjectMapper(javaType.getRawClass(), mediaType);
 		if (objectMapper == null) {
 			return false;
 		}
 		AtomicReference<Throwable> causeRef = new AtomicReference<>();
-		if (objectMapper.canDeserialize(javaType, causeRef)) {
+		if (objectMapper.canDeserialize(javaType, causeRef) || MediaType.APPLICATION_PROBLEM_JSON.includes(mediaType)) {
 			return true;
 		}
 		logWarningIfNecessary(javaType, causeRef.get());
 		return false;
 	}
 }
""", say="The Jackson converter can read {application slash problem plus json|application/problem+json} bodies too, checked in {can read|canRead}."),
    note("java-spring-plain", "spring-projects/spring-boot", "spring-boot-project/spring-boot/src/main/java/org/springframework/boot/SpringApplication.java", r"""
 public class SpringApplication {
 	public ConfigurableApplicationContext run(String... args) {
 		Startup startup = Startup.create();
 		if (this.registerShutdownHook) {
 			SpringApplication.shutdownHook.enableShutdownHookAddition();
 		}
 		DefaultBootstrapContext bootstrapContext = createBootstrapContext();
 		ConfigurableApplicationContext context = null;
 		configureHeadlessProperty();
 		SpringApplicationRunListeners listeners = getRunListeners(args);
 		listeners.starting(bootstrapContext, this.mainApplicationClass);
 		try {
 			ApplicationArguments applicationArguments = new DefaultApplicationArguments(args);
-			ConfigurableEnvironment environment = prepareEnvironment(listeners, bootstrapContext, applicationArguments);
+			ConfigurableEnvironment environment = prepareEnvironment(listeners, bootstrapContext, applicationArguments);
+			Banner printedBanner = printBanner(environment);
 			context = createApplicationContext();
 		}
 		catch (Throwable ex) {
 			throw handleRunFailure(context, ex, listeners);
 		}
 		return context;
 	}
 }
""", say="The banner is printed right after the environment is ready and before the context is created."),
    note("java-guava-cache", "google/guava", "guava/src/com/google/common/cache/LocalCache.java", r"""
 class LocalCache<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V> {
   static class Segment<K, V> extends ReentrantLock {
     V get(K key, int hash, CacheLoader<? super K, V> loader) throws ExecutionException {
       checkNotNull(key);
       checkNotNull(loader);
       try {
         if (count != 0) {
           ReferenceEntry<K, V> e = getEntry(key, hash);
           if (e != null) {
             long now = map.ticker.read();
             V value = getLiveValue(e, now);
-            if (value != null) {
+            if (value != null) {
+              recordRead(e, now);
               statsCounter.recordHits(1);
               return scheduleRefresh(e, key, hash, value, now, loader);
             }
           }
         }
         return lockedGetOrLoad(key, hash, loader);
       } finally {
         postReadCleanup();
       }
     }
   }
 }
""", say="A cache hit in the segment's get now calls {record read|recordRead} with the current time, so access order stays right."),
    note("java-okhttp-plain", "square/okhttp", "okhttp/src/main/kotlin/okhttp3/internal/http/RetryAndFollowUpInterceptor.kt", r"""
 class RetryAndFollowUpInterceptor(private val client: OkHttpClient) : Interceptor {
   private fun isRecoverable(e: IOException, requestSendStarted: Boolean): Boolean {
     if (e is ProtocolException) {
       return false
     }
     if (e is InterruptedIOException) {
       return e is SocketTimeoutException && !requestSendStarted
     }
     if (e is SSLHandshakeException) {
       if (e.cause is CertificateException) {
         return false
       }
     }
-    if (e is SSLPeerUnverifiedException) {
+    if (e is SSLPeerUnverifiedException || e is SSLProtocolException) {
       return false
     }
     return true
   }
 }
""", say="A TLS protocol failure is no longer retried, just like an unverified peer."),
    note("java-okhttp-mime", "square/okhttp", "okhttp/src/main/kotlin/okhttp3/MultipartBody.kt", r"""
 class MultipartBody internal constructor(
   private val boundaryByteString: ByteString,
   val type: MediaType,
   val parts: List<Part>,
 ) : RequestBody() {
   companion object {
     @JvmField
     val MIXED = "multipart/mixed".toMediaType()
     @JvmField
     val ALTERNATIVE = "multipart/alternative".toMediaType()
     @JvmField
     val DIGEST = "multipart/digest".toMediaType()
-    @JvmField
-    val FORM = "multipart/form-data".toMediaType()
+    @JvmField
+    val FORM = "multipart/form-data".toMediaType()
+    @JvmField
+    val RELATED = "multipart/related".toMediaType()
   }
 }
""", say="{Multipart body|MultipartBody} gains a related type, {multipart slash related|multipart/related}, next to form data."),
    note("java-elastic-plain", "elastic/elasticsearch", "server/src/main/java/org/elasticsearch/action/search/SearchRequest.java", r"""
 public class SearchRequest extends ActionRequest implements IndicesRequest.Replaceable {
     @Override
     public ActionRequestValidationException validate() {
         ActionRequestValidationException validationException = null;
         boolean scroll = scroll() != null;
         if (source != null) {
             if (source.trackTotalHitsUpTo() != null && source.trackTotalHitsUpTo() != TRACK_TOTAL_HITS_ACCURATE && scroll) {
                 validationException = addValidationError("disabling [track_total_hits] is not allowed in a scroll context", validationException);
             }
             if (source.from() > 0 && scroll) {
                 validationException = addValidationError("using [from] is not allowed in a scroll context", validationException);
             }
-            if (source.size() == 0 && scroll) {
+            if (source.size() == 0 && scroll) {
+                validationException = addValidationError("[size] cannot be [0] in a scroll context", validationException);
+            }
+            if (requestCache != null && requestCache && scroll) {
                 validationException = addValidationError("[request_cache] cannot be used in a scroll context", validationException);
             }
         }
         return validationException;
     }
 }
""", say="A scroll search with size zero fails validation with its own message now."),
    note("java-jenkins-crumb", "jenkinsci/jenkins", "core/src/main/java/hudson/security/csrf/CrumbFilter.java", r"""
 public class CrumbFilter implements Filter {
     @Override
     public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
         CrumbIssuer crumbIssuer = getCrumbIssuer();
         if (crumbIssuer == null || !(request instanceof HttpServletRequest)) {
             chain.doFilter(request, response);
             return;
         }
         HttpServletRequest httpRequest = (HttpServletRequest) request;
         HttpServletResponse httpResponse = (HttpServletResponse) response;
-        if ("POST".equals(httpRequest.getMethod())) {
+        if ("POST".equals(httpRequest.getMethod()) && !isMultipart(httpRequest)) {
             String crumbFieldName = crumbIssuer.getDescriptor().getCrumbRequestField();
             String crumbSalt = crumbIssuer.getDescriptor().getCrumbSalt();
         }
         chain.doFilter(request, response);
     }
 }
""", say="The {crumb filter|CrumbFilter} leaves multipart posts to the form handling, checked with {is multipart|isMultipart}."),
    note("java-junit-display", "junit-team/junit5", "junit-jupiter-engine/src/main/java/org/junit/jupiter/engine/descriptor/DisplayNameUtils.java", r"""
 final class DisplayNameUtils {
 	static String determineDisplayName(AnnotatedElement element, Supplier<String> displayNameSupplier) {
 		Preconditions.notNull(element, "Annotated element must not be null");
 		Optional<DisplayName> displayNameAnnotation = findAnnotation(element, DisplayName.class);
 		if (displayNameAnnotation.isPresent()) {
 			String displayName = displayNameAnnotation.get().value().trim();
 			if (StringUtils.isBlank(displayName)) {
 				logger.warn(() -> String.format("Configuration error: @DisplayName on [%s] must be declared with a non-blank value.", element));
 			}
-			else {
+			else if (displayName.length() <= MAX_DISPLAY_NAME_LENGTH) {
 				return displayName;
 			}
 		}
 		return displayNameSupplier.get();
 	}
 }
""", say="A display name longer than {max display name length|MAX_DISPLAY_NAME_LENGTH} falls back to the generated one."),
    note("java-netty-plain", "netty/netty", "codec-http/src/main/java/io/netty/handler/codec/http/HttpObjectDecoder.java", r"""
 public abstract class HttpObjectDecoder extends ByteToMessageDecoder {
     private State readHeaders(ByteBuf buffer) {
         final HttpMessage message = this.message;
         final HttpHeaders headers = message.headers();
         final HeaderParser headerParser = this.headerParser;
         ByteBuf line = headerParser.parse(buffer, defaultStrictCRLFCheck);
         if (line == null) {
             return null;
         }
         int lineLength = line.readableBytes();
         while (lineLength > 0) {
             final byte[] lineContent = line.array();
-            final int startLine = line.arrayOffset() + line.readerIndex();
+            final int startLine = line.arrayOffset() + line.readerIndex();
+            if (isWhitespace(lineContent[startLine]) && name == null) {
+                throw new IllegalArgumentException("Invalid header: the first line starts with whitespace");
+            }
             lineLength = line.readableBytes();
         }
         return State.READ_CHUNK_SIZE;
     }
 }
""", say="Header parsing rejects a folded line when there is no header before it, with an invalid header error."),
    note("java-kafka-linger", "apache/kafka", "clients/src/main/java/org/apache/kafka/clients/producer/internals/RecordAccumulator.java", r"""
 public class RecordAccumulator {
     private long batchReady(boolean exhausted, TopicPartition part, Node leader, long waitedTimeMs, boolean backingOff,
                             boolean full, long nextReadyCheckDelayMs, Set<Node> readyNodes) {
         if (!readyNodes.contains(leader) && !isMuted(part)) {
             long timeToWaitMs = backingOff ? retryBackoffMs : lingerMs;
             boolean expired = waitedTimeMs >= timeToWaitMs;
             boolean transactionCompleting = transactionManager != null && transactionManager.isCompleting();
             boolean sendable = full || expired || exhausted || closed || flushInProgress() || transactionCompleting;
             if (sendable && !backingOff) {
                 readyNodes.add(leader);
             } else {
-                long timeLeftMs = Math.max(timeToWaitMs - waitedTimeMs, 0);
+                long timeLeftMs = Math.max(timeToWaitMs - waitedTimeMs, 0);
+                timeLeftMs = Math.min(timeLeftMs, partitionAvailabilityTimeoutMs);
                 nextReadyCheckDelayMs = Math.min(timeLeftMs, nextReadyCheckDelayMs);
             }
         }
         return nextReadyCheckDelayMs;
     }
 }
""", say="{Batch ready|batchReady} caps the time left at the {partition availability timeout ms|partitionAvailabilityTimeoutMs}."),
    note("kt-kotlinx-json", "Kotlin/kotlinx.serialization", "formats/json/commonMain/src/kotlinx/serialization/json/internal/StreamingJsonDecoder.kt", r"""
 internal open class StreamingJsonDecoder(
     final override val json: Json,
     private val mode: WriteMode,
     @JvmField internal val lexer: AbstractJsonLexer,
     descriptor: SerialDescriptor,
 ) : JsonDecoder, AbstractDecoder() {
     override fun decodeElementIndex(descriptor: SerialDescriptor): Int {
         val index = when (mode) {
             WriteMode.OBJ -> decodeObjectIndex(descriptor)
             WriteMode.MAP -> decodeMapIndex()
             else -> decodeListIndex()
         }
-        if (mode != WriteMode.MAP) {
+        if (mode != WriteMode.MAP && index != CompositeDecoder.DECODE_DONE) {
             elementMarker?.mark(index)
         }
         return index
     }
 }
""", say="The element marker is not told about the end of an object any more, only about real indexes."),
    note("kt-ktor-cookie", "ktorio/ktor", "ktor-http/common/src/io/ktor/http/Cookie.kt", r"""
 public fun renderSetCookieHeader(
     name: String,
     value: String,
     encoding: CookieEncoding = CookieEncoding.URI_ENCODING,
     maxAge: Int = 0,
     expires: GMTDate? = null,
     domain: String? = null,
     path: String? = null,
     secure: Boolean = false,
     httpOnly: Boolean = false,
     extensions: Map<String, String?> = emptyMap(),
     includeEncoding: Boolean = true
 ): String = (
     listOf(
-        cookiePart(name.assertCookieName(), value, encoding),
+        cookiePart(name.assertCookieName(), value, encoding),
+        cookiePartUnencoded("Max-Age", if (maxAge > 0) maxAge else null),
         cookiePartUnencoded("Expires", expires?.toHttpDate()),
     ) + extensions.map { cookiePartExt(it.key.assertCookieName(), it.value) }
 ).filter { it.isNotEmpty() }.joinToString("; ")
""", say="The set cookie header includes {max age|maxAge} when it is positive, rendered with {cookie part unencoded|cookiePartUnencoded}."),
    note("java-mockito-plain", "mockito/mockito", "src/main/java/org/mockito/internal/stubbing/answers/Returns.java", r"""
 public class Returns implements Answer<Object>, ValidableAnswer, Serializable {
     @Override
     public void validateFor(InvocationOnMock invocation) {
         InvocationInfo invocationInfo = new InvocationInfo(invocation);
         if (invocationInfo.isVoid()) {
             throw cannotStubVoidMethodWithAReturnValue(invocationInfo.getMethodName());
         }
         if (returnsNull() && invocationInfo.returnsPrimitive()) {
             throw wrongTypeOfReturnValue(invocationInfo.printMethodReturnType(), "null", invocationInfo.getMethodName());
         }
-        if (!returnsNull() && !invocationInfo.isValidReturnType(returnType())) {
+        if (!returnsNull() && !invocationInfo.isValidReturnType(returnType()) && !invocationInfo.isSealed()) {
             throw wrongTypeOfReturnValue(invocationInfo.printMethodReturnType(), printReturnType(), invocationInfo.getMethodName());
         }
     }
 }
""", say="Stubbing a method of a sealed type no longer complains about the wrong type of return value."),
    note("java-jackson-plain", "FasterXML/jackson-databind", "src/main/java/com/fasterxml/jackson/databind/deser/std/NumberDeserializers.java", r"""
 public class NumberDeserializers {
     public static class IntegerDeserializer extends PrimitiveOrWrapperDeserializer<Integer> {
         @Override
         public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
             if (p.isExpectedNumberIntToken()) {
                 return p.getIntValue();
             }
             if (_primitive) {
                 return _parseIntPrimitive(p, ctxt);
             }
-            return _parseInteger(p, ctxt, Integer.class);
+            if (p.hasToken(JsonToken.VALUE_NUMBER_FLOAT) && ctxt.isEnabled(DeserializationFeature.ACCEPT_FLOAT_AS_INT)) {
+                return (int) p.getDoubleValue();
+            }
+            return _parseInteger(p, ctxt, Integer.class);
         }
     }
 }
""", say="The {integer deserializer|IntegerDeserializer} truncates a floating point token when {accept float as int|ACCEPT_FLOAT_AS_INT} is enabled."),
    note("java-gradle-daemon", "gradle/gradle", "subprojects/launcher/src/main/java/org/gradle/launcher/daemon/client/DaemonClient.java", r"""
 public class DaemonClient implements BuildActionExecuter<BuildActionParameters, ServiceRegistry> {
     protected BuildActionResult executeBuild(Build build, DaemonClientConnection connection, BuildCancellationToken cancellationToken, BuildEventConsumer buildEventConsumer) throws DaemonInitialConnectException {
         Object result;
         try {
             LOGGER.debug("Connected to daemon {}. Dispatching request {}.", connection.getDaemon(), build);
             connection.dispatch(build);
             result = connection.receive();
             if (result == null) {
                 throw new DaemonDisappearedException();
             }
-            LOGGER.debug("Received result {} from daemon {}.", result, connection.getDaemon());
+            LOGGER.debug("Received result {} from daemon {}.", result, connection.getDaemon());
+            if (result instanceof Failure) {
+                throw UncheckedException.throwAsUncheckedException(((Failure) result).getValue());
+            }
         } finally {
             connection.stop();
         }
         return (BuildActionResult) result;
     }
 }
""", say="{Execute build|executeBuild} rethrows a failure the daemon sent back instead of treating it as a result."),
    note("kt-compose-plain", "JetBrains/compose-multiplatform", "components/resources/library/src/commonMain/kotlin/org/jetbrains/compose/resources/StringResources.kt", r"""
 @Composable
 fun stringResource(resource: StringResource): String {
     val resourceReader = LocalResourceReader.currentOrPreview
     val str by rememberResourceState(resource, { "" }) { env ->
         loadString(resource, resourceReader, env)
     }
     return str
 }

 private suspend fun loadString(resource: StringResource, resourceReader: ResourceReader, environment: ResourceEnvironment): String {
     val resourceItem = resource.getResourceItemByEnvironment(environment)
-    val item = getStringItem(resourceItem, resourceReader) as StringItem.Value
+    val item = getStringItem(resourceItem, resourceReader) as? StringItem.Value
+        ?: error("String ID=`${resource.key}` is not found!")
     return item.text
 }
""", say="Loading a missing string resource fails with a message naming its key instead of a cast exception."),
    note("java-hibernate-batch", "hibernate/hibernate-orm", "hibernate-core/src/main/java/org/hibernate/engine/jdbc/batch/internal/BatchImpl.java", r"""
 public class BatchImpl implements Batch {
 	@Override
 	public void addToBatch(JdbcValueBindings jdbcValueBindings, TableInclusionChecker inclusionChecker) {
 		final boolean loggerTraceEnabled = BATCH_LOGGER.isTraceEnabled();
 		if (loggerTraceEnabled) {
 			BATCH_LOGGER.tracef("Adding to JDBC batch (%s) - `%s`", batchPosition + 1, getKey().toLoggableString());
 		}
 		try {
 			getStatementGroup().forEachStatement((tableName, statementDetails) -> {
 				if (inclusionChecker != null && !inclusionChecker.include(statementDetails.getMutatingTableDetails())) {
 					return;
 				}
-				statementDetails.getStatement().addBatch();
+				statementDetails.getStatement().addBatch();
+				batchPosition++;
 			});
 		}
 		catch (RuntimeException e) {
 			abortBatch(e);
 			throw e;
 		}
 	}
 }
""", say="{Add to batch|addToBatch} counts each statement it adds in the {batch position|batchPosition}."),
]
