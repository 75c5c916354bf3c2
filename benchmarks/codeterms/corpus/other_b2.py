"""Batch-2 notes, other (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES: list[dict] = [
    note("b2-ot-aspnetcore-compress-zip", "dotnet/aspnetcore", "src/Middleware/ResponseCompression/src/ResponseCompressionProvider.cs", r"""
 public class ResponseCompressionProvider : IResponseCompressionProvider
 {
     public virtual bool ShouldCompressResponse(HttpContext context)
     {
         var httpsMode = context.Features.Get<IHttpsCompressionFeature>()?.Mode ?? HttpsCompressionMode.Default;
         if (httpsMode == HttpsCompressionMode.DoNotCompress)
         {
             return false;
         }

-        var mimeType = context.Response.ContentType;
-        if (string.IsNullOrEmpty(mimeType))
+        if (context.Response.Headers.ContainsKey(HeaderNames.ContentRange))
+        {
+            return false;
+        }
+
+        var mimeType = context.Response.ContentType;
+        if (string.IsNullOrEmpty(mimeType) || mimeType.StartsWith("application/zip", StringComparison.OrdinalIgnoreCase))
         {
             return false;
         }

         return ShouldCompressExact(mimeType) || ShouldCompressPartial(mimeType);
     }
 }
""", say="{Should compress response|ShouldCompressResponse} now returns false for partial responses that carry a content range, and for anything served as {application slash zip|application/zip}."),
    note("b2-ot-swiftnio-prefixed-string", "apple/swift-nio", "Sources/NIOCore/ByteBuffer-lengthPrefix.swift", r"""
 extension ByteBuffer {
     /// Reads a string that is preceded by its length in bytes, encoded as a big-endian integer.
     /// On failure the buffer is left exactly as it was.
     @inlinable
     public mutating func readLengthPrefixedString<Length: FixedWidthInteger>(
         as lengthType: Length.Type = UInt16.self,
         encoding: String.Encoding = .utf8
     ) -> String? {
         let saved = self
         guard let length = self.readInteger(endianness: .big, as: Length.self) else {
             return nil
         }
-        guard let string = self.readString(length: Int(length)) else {
+        guard let bytes = self.readBytes(length: Int(length)),
+              let string = String(bytes: bytes, encoding: encoding) else {
             self = saved
             return nil
         }
         return string
     }
 }
""", say="{Read length prefixed string|readLengthPrefixedString} finally honours its encoding argument instead of always decoding UTF eight, and it still restores the buffer when the bytes don't decode."),
    note("b2-ot-phoenix-wildcard-origin", "phoenixframework/phoenix", "lib/phoenix/socket/transport.ex", r"""
 defmodule Phoenix.Socket.Transport do
   @moduledoc false

   defp origin_allowed?(allowed_origins, %URI{} = uri, _endpoint, _conn) do
     origin_host = uri.host

     Enum.any?(allowed_origins, fn {scheme, host, port} ->
       compare?(uri.scheme, scheme) and
         compare?(uri.port, port) and
-        compare?(origin_host, host)
+        compare_host?(origin_host, host)
     end)
   end

   defp compare?(request_val, allowed_val) do
     is_nil(allowed_val) or request_val == allowed_val
   end
+
+  defp compare_host?(_request_host, nil), do: true
+
+  defp compare_host?(request_host, "*." <> base) do
+    request_host == base or String.ends_with?(request_host, "." <> base)
+  end
+
+  defp compare_host?(request_host, allowed_host), do: request_host == allowed_host
 end
""", say="An allowed origin written with a star in front now matches the bare domain and all of its subdomains, while the scheme and the port are still compared exactly."),
    note("b2-ot-play-json-client-error", "playframework/playframework", "core/play/src/main/scala/play/api/http/HttpErrorHandler.scala", r"""
 class DefaultHttpErrorHandler(
     environment: Environment,
     configuration: Configuration,
     sourceMapper: Option[SourceMapper] = None,
     router: => Option[Router] = None
 ) extends HttpErrorHandler {

   def onClientError(request: RequestHeader, statusCode: Int, message: String = ""): Future[Result] = {
     statusCode match {
       case BAD_REQUEST => onBadRequest(request, message)
       case FORBIDDEN   => onForbidden(request, message)
       case NOT_FOUND   => onNotFound(request, message)
+      case clientError if clientError >= 400 && clientError < 500 && request.accepts("application/json") =>
+        Future.successful(Status(clientError)(Json.obj("status" -> clientError, "error" -> message)))
       case clientError if clientError >= 400 && clientError < 500 =>
         onOtherClientError(request, statusCode, message)
       case nonClientError =>
         throw new IllegalArgumentException(
           s"onClientError called with a status that is not a client error: $statusCode"
         )
     }
   }
 }
""", say="For the other client errors, {on client error|onClientError} now answers with a small JSON body whenever the request accepts {application slash json|application/json}."),
    note("b2-ot-flutter-devices-timeout", "flutter/flutter", "packages/flutter_tools/lib/src/commands/devices.dart", r"""
 class DevicesCommand extends FlutterCommand {
   @override
   Future<FlutterCommandResult> runCommand() async {
     if (!globals.doctor!.canListAnything) {
       throwToolExit(
         'No device tooling was found on this machine. '
         'Run "flutter doctor" to see what needs to be installed.',
         exitCode: 1,
       );
     }
     final Duration? timeout = deviceDiscoveryTimeout;
-    final List<Device> devices = await globals.deviceManager!.refreshAllDevices(timeout: timeout);
+    final List<Device> devices = await globals.deviceManager!
+        .refreshAllDevices(timeout: timeout)
+        .timeout(timeout ?? _defaultDiscoveryTimeout, onTimeout: _devicesFoundSoFar);
     if (devices.isEmpty) {
       globals.printStatus('No devices found.');
       return FlutterCommandResult.success();
     }
     await _printDevices(devices);
     return FlutterCommandResult.success();
   }
 }
""", say="When discovery runs past the timeout we now list the devices found so far, instead of hanging or printing nothing at all."),
    note("b2-ot-pandoc-fetch-mime", "jgm/pandoc", "src/Text/Pandoc/Class/IO.hs", r"""
 -- | Fetch a resource over HTTP, returning its contents and mime type.
 fetchRemote :: (PandocMonad m, MonadIO m) => Text -> m (B.ByteString, Maybe MimeType)
 fetchRemote url = do
   headers <- getsCommonState stRequestHeaders
   report $ Fetching url
   manager <- liftIO newTlsManager
   req <- either (throwError . PandocHttpError url . T.pack . show) pure
            (parseRequest (T.unpack url))
   let req' = req { requestHeaders = map toHeader headers ++ requestHeaders req }
   resp <- liftIO $ httpLbs req' manager
   let body = BL.toStrict (responseBody resp)
-      mime = decodeUtf8 <$> lookup hContentType (responseHeaders resp)
+      mime = case lookup hContentType (responseHeaders resp) of
+               Just ct -> Just (T.strip (T.takeWhile (/= ';') (decodeUtf8 ct)))
+               Nothing -> Just (fromMaybe "application/octet-stream" (guessMimeType url))
   return (body, mime)
""", say="{Fetch remote|fetchRemote} drops the charset from the content type now, and when the server sends none we guess from the URL or fall back to {application slash octet stream|application/octet-stream}."),
    note("b2-ot-zig-xdg-cache", "ziglang/zig", "src/introspect.zig", r"""
 pub fn resolveGlobalCacheDir(allocator: mem.Allocator) ![]u8 {
     if (builtin.os.tag == .wasi)
         @compileError("the global cache directory has to come from a preopen on WASI");

     if (try EnvVar.ZIG_GLOBAL_CACHE_DIR.get(allocator)) |value| return value;

     const app_name = "zig";

     if (builtin.os.tag != .windows) {
-        if (std.posix.getenv("XDG_CACHE_HOME")) |cache_root| {
-            return fs.path.join(allocator, &.{ cache_root, app_name });
+        if (std.posix.getenv("XDG_CACHE_HOME")) |cache_root| {
+            // The spec says an empty or relative value must be ignored.
+            if (cache_root.len > 0 and fs.path.isAbsolute(cache_root)) {
+                return fs.path.join(allocator, &.{ cache_root, app_name });
+            }
         }
         if (std.posix.getenv("HOME")) |home| {
             return fs.path.join(allocator, &.{ home, ".cache", app_name });
         }
     }

     return fs.getAppDataDir(allocator, app_name);
 }
""", say="We now ignore {XDG cache home|XDG_CACHE_HOME} when it's empty or relative, as the base directory spec says, and fall back to the cache folder in your home directory."),
    note("b2-ot-dune-quote-args", "ocaml/dune", "src/dune_engine/process.ml", r"""
 let command_line ~prog ~args ~dir =
   let prog = Path.reach_for_running ?from:dir prog in
   let args = List.filter args ~f:(fun a -> not (String.is_empty a)) in
   let dir_prefix =
     match dir with
     | None -> ""
     | Some dir -> sprintf "cd %s && " (Path.to_string dir)
   in
   let quote arg =
-    if String.contains arg ' ' then "\"" ^ arg ^ "\"" else arg
+    if String.exists arg ~f:(fun c -> c = ' ' || c = '\'' || c = '"' || c = '$')
+    then Filename.quote arg
+    else arg
   in
   let s = String.concat ~sep:" " (List.map ~f:quote (prog :: args)) in
   if String.is_empty dir_prefix then s else sprintf "(%s%s)" dir_prefix s
""", say="Arguments in the printed command are now quoted whenever they contain a space, a quote or a dollar sign, so you can paste the command line straight into a shell."),
]
