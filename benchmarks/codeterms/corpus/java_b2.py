"""Batch-2 notes, java (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES: list[dict] = [
    note("b2-java-gson-next-int-overflow", "google/gson", "gson/src/main/java/com/google/gson/stream/JsonReader.java", r"""
   public int nextInt() throws IOException {
     int p = peeked;
     if (p == PEEKED_NONE) {
       p = doPeek();
     }
 
     int result;
     if (p == PEEKED_LONG) {
-      result = (int) peekedLong;
+      result = (int) peekedLong;
+      if (peekedLong != result) {
+        throw new NumberFormatException("Expected an int but was " + peekedLong + locationString());
+      }
       peeked = PEEKED_NONE;
       pathIndices[stackSize - 1]++;
       return result;
     }
     return nextIntFromString(p);
   }
""", say="{Next int|nextInt} now throws a {number format exception|NumberFormatException} when the value doesn't fit in an int, instead of quietly cutting it down."),
    note("b2-java-retrofit-bad-content-type", "square/retrofit", "retrofit/src/main/java/retrofit2/RequestFactory.java", r"""
     private Headers parseHeaders(String[] headers, boolean allowUnsafeNonAsciiValues) {
       Headers.Builder builder = new Headers.Builder();
       for (String header : headers) {
         int colon = header.indexOf(':');
         if (colon == -1 || colon == 0 || colon == header.length() - 1) {
           throw methodError(method, "@Headers value must be in the form \"Name: Value\". Found: \"%s\"", header);
         }
         String headerName = header.substring(0, colon);
         String headerValue = header.substring(colon + 1).trim();
         if ("Content-Type".equalsIgnoreCase(headerName)) {
-          contentType = MediaType.get(headerValue);
+          try {
+            contentType = MediaType.get(headerValue);
+          } catch (IllegalArgumentException e) {
+            throw methodError(method, e, "Malformed content type: %s", headerValue);
+          }
         } else if (allowUnsafeNonAsciiValues) {
           builder.addUnsafeNonAscii(headerName, headerValue);
         } else {
           builder.add(headerName, headerValue);
         }
       }
       return builder.build();
     }
""", say="{Parse headers|parseHeaders} reports a malformed {content type|Content-Type} header as a method error now, instead of letting the {illegal argument exception|IllegalArgumentException} escape without the method's name."),
    note("b2-java-rxjava-debounce-complete", "ReactiveX/RxJava", "src/main/java/io/reactivex/rxjava3/internal/operators/observable/ObservableDebounceTimed.java", r"""
         @Override
         public void onComplete() {
             if (done) {
                 return;
             }
             done = true;
 
             DebounceEmitter<T> de = lastEmitter;
-            if (de != null) {
-                de.dispose();
-            }
+            if (de != null) {
+                de.dispose();
+                de.run();
+            }
             downstream.onComplete();
             worker.dispose();
         }
""", say="When the source completes while a value is still waiting out the debounce window, that last value is emitted right away, before the completion signal goes downstream."),
    note("b2-java-tomcat-param-limit", "apache/tomcat", "java/org/apache/catalina/connector/Request.java", r"""
     protected void parseParameters() {
         parametersParsed = true;
         Parameters parameters = coyoteRequest.getParameters();
         boolean success = false;
         try {
             int maxParameterCount = getConnector().getMaxParameterCount();
             if (partsParseException != null) {
                 return;
             }
             parameters.setLimit(maxParameterCount);
             parameters.handleQueryParameters();
-            if (parameters.size() > maxParameterCount) {
-                log.warn(sm.getString("coyoteRequest.maxParameterCountExceeded"));
-            }
+            if (maxParameterCount > -1 && parameters.size() > maxParameterCount) {
+                parameters.setParseFailedReason(FailReason.TOO_MANY_PARAMETERS);
+                throw new InvalidParameterException(
+                        sm.getString("coyoteRequest.maxParameterCountExceeded", Integer.valueOf(maxParameterCount)));
+            }
             readPostBody(parameters);
             success = true;
         } finally {
             if (!success) {
                 parameters.setParseFailedReason(FailReason.UNKNOWN);
             }
         }
     }
""", say="Going over {max parameter count|maxParameterCount} used to only log a warning. Now the parse fails with {too many parameters|TOO_MANY_PARAMETERS}, and minus one still means no limit."),
    note("b2-java-maven-user-properties", "apache/maven", "maven-core/src/main/java/org/apache/maven/execution/DefaultMavenExecutionRequestPopulator.java", r"""
     private void populateProperties(CommandLine commandLine, Settings settings, Properties systemProperties,
             Properties userProperties) {
         EnvironmentUtils.addEnvVars(systemProperties);
         systemProperties.putAll(System.getProperties());
 
         Properties fromSettings = new Properties();
         for (Profile profile : settings.getProfiles()) {
             if (settings.getActiveProfiles().contains(profile.getId())) {
                 fromSettings.putAll(profile.getProperties());
             }
         }
-        userProperties.putAll(commandLineProperties(commandLine));
-        userProperties.putAll(fromSettings);
+        userProperties.putAll(fromSettings);
+        userProperties.putAll(commandLineProperties(commandLine));
         systemProperties.putAll(userProperties);
     }
""", say="Properties given on the command line now override the ones from active profiles in the settings file, not the other way round."),
    note("b2-java-moshi-missing-property", "square/moshi", "moshi-kotlin/src/main/java/com/squareup/moshi/kotlin/reflect/KotlinJsonAdapter.kt", r"""
   override fun fromJson(reader: JsonReader): T {
     val constructorSize = constructor.parameters.size
     val values = Array<Any?>(allBindings.size) { ABSENT_VALUE }
     reader.beginObject()
     while (reader.hasNext()) {
       val index = reader.selectName(options)
       if (index == -1) {
         reader.skipName()
         reader.skipValue()
         continue
       }
       val binding = nonIgnoredBindings[index]
       values[index] = binding.adapter.fromJson(reader)
     }
     reader.endObject()
     for (i in 0 until constructorSize) {
       if (values[i] === ABSENT_VALUE && !constructor.parameters[i].isOptional) {
-        throw JsonDataException("Required value '${constructor.parameters[i].name}' missing")
+        val param = constructor.parameters[i]
+        if (!param.type.isMarkedNullable) {
+          throw missingProperty(param.name, allBindings[i]?.jsonName, reader)
+        }
+        values[i] = null
       }
     }
     return construct(values)
   }
""", say="A missing constructor parameter whose type is nullable is now just set to null, and only non-null ones throw, through {missing property|missingProperty}, with the JSON path from the reader."),
    note("b2-java-coroutines-timeout-cancel", "Kotlin/kotlinx.coroutines", "kotlinx-coroutines-core/common/src/flow/operators/Delay.kt", r"""
 private fun <T> Flow<T>.timeoutInternal(
     timeout: Duration
 ): Flow<T> = scopedFlow { downStream ->
     if (timeout <= Duration.ZERO) throw TimeoutCancellationException("Timed out immediately")
     val values = buffer(Channel.RENDEZVOUS).produceIn(this)
     whileSelect {
         values.onReceiveCatching { value ->
             value.onSuccess {
                 downStream.emit(it)
             }.onClosed {
                 return@onReceiveCatching false
             }
             return@onReceiveCatching true
         }
         onTimeout(timeout) {
-            throw TimeoutCancellationException("Timed out waiting for $timeout")
+            values.cancel()
+            throw TimeoutCancellationException("Timed out waiting for $timeout")
         }
     }
 }
""", say="Could you check this one. {Timeout internal|timeoutInternal} now cancels the upstream {values|values} channel before it throws, so the producer doesn't keep running after the timeout fires."),
    note("b2-java-commons-lang-abbreviate", "apache/commons-lang", "src/main/java/org/apache/commons/lang3/StringUtils.java", r"""
     public static String abbreviate(final String str, final String abbrevMarker, int offset, final int maxWidth) {
         if (isEmpty(str)) {
             return str;
         }
         if (isEmpty(abbrevMarker)) {
             return substring(str, 0, maxWidth);
         }
         final int abbrevMarkerLength = abbrevMarker.length();
         final int minAbbrevWidth = abbrevMarkerLength + 1;
         final int minAbbrevWidthOffset = abbrevMarkerLength + abbrevMarkerLength + 1;
-        if (maxWidth < minAbbrevWidth) {
+        final int strLen = str.length();
+        if (strLen <= maxWidth) {
+            return str;
+        }
+        if (maxWidth < minAbbrevWidth) {
             throw new IllegalArgumentException(String.format("Minimum abbreviation width is %d", minAbbrevWidth));
         }
-        final int strLen = str.length();
-        if (strLen <= maxWidth) {
-            return str;
-        }
         if (offset > strLen) {
             offset = strLen;
         }
         return abbreviateMiddle(str, abbrevMarker, offset, maxWidth, minAbbrevWidthOffset);
     }
""", say="A string that already fits within the max width is returned unchanged now, even when the width is smaller than the marker, so it no longer throws for short input."),
]
