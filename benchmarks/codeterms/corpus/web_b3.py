"""Batch-3 notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note  # noqa: F401

NOTES: list[dict] = [
    note("b3-js-leaflet-pinch-wheel", "Leaflet/Leaflet", "src/map/handler/Map.ScrollWheelZoom.js", r"""
 	_onWheelScroll(e) {
 		const delta = DomEvent.getWheelDelta(e);
 		const debounce = this._map.options.wheelDebounceTime;
 
 		this._delta += delta;
 		this._lastMousePos = this._map.mouseEventToContainerPoint(e);
 
 		if (!this._startTime) {
 			this._startTime = +new Date();
 		}
 
-		const left = Math.max(debounce - (+new Date() - this._startTime), 0);
+		// a trackpad pinch arrives as a wheel event with ctrlKey set: zoom at once
+		const isPinch = e.ctrlKey && this._map.options.pinchWheelZoom;
+		const left = isPinch ? 0 : Math.max(debounce - (+new Date() - this._startTime), 0);
 
 		clearTimeout(this._timer);
 		this._timer = setTimeout(this._performZoom.bind(this), left);
 
 		DomEvent.stop(e);
 	},
""", say="A trackpad pinch shows up as a wheel event with {control key|ctrlKey} set, so when {pinch wheel zoom|pinchWheelZoom} is on we skip the debounce and let {perform zoom|_performZoom} run straight away."),
    note("b3-js-ghost-cors-port", "TryGhost/Ghost", "ghost/core/core/server/web/api/middleware/cors.js", r"""
 function getAllowlist() {
     const allowlist = [
         'localhost',
         '127.0.0.1'
     ];
 
     const adminUrl = urlUtils.urlFor('admin', true);
     const siteUrl = urlUtils.urlFor('home', true);
 
-    allowlist.push(url.parse(adminUrl).hostname);
-    allowlist.push(url.parse(siteUrl).hostname);
+    for (const candidate of [adminUrl, siteUrl]) {
+        const {hostname, port} = new URL(candidate);
+        allowlist.push(port ? `${hostname}:${port}` : hostname);
+    }
 
     return _.uniq(allowlist);
 }
 
 function handleCORS(req, cb) {
     const origin = req.get('origin');
     const trustedDomains = req.client && req.client.trustedDomains;
 
     // Request must have an Origin header
     if (!origin || origin === 'null') {
         return cb(null, DISABLE_CORS);
     }
""", say="I replaced the deprecated {url dot parse|url.parse} with {new u r l|new URL}, and the allowlist now keeps the port, so an admin running on a non-standard port passes the CORS check in {handle cors|handleCORS}."),
    note("b3-js-postcss-syntax-in-plugins", "postcss/postcss", "lib/processor.js", r"""
   normalize(plugins) {
     let normalized = []
     for (let i of plugins) {
       if (i.postcss === true) {
         i = i()
       } else if (i.postcss) {
         i = i.postcss
       }
 
       if (typeof i === 'object' && Array.isArray(i.plugins)) {
         normalized = normalized.concat(i.plugins)
       } else if (typeof i === 'object' && i.postcssPlugin) {
         normalized.push(i)
       } else if (typeof i === 'function') {
         normalized.push(i)
-      } else if (typeof i === 'object' && (i.parse || i.stringify)) {
-        throw new Error(i + ' is not a PostCSS plugin')
+      } else if (typeof i === 'object' && (i.parse || i.stringify)) {
+        throw new Error(
+          'PostCSS syntax objects belong in the syntax, parser or ' +
+            'stringifier options, not in the plugins list'
+        )
       } else {
         throw new Error(i + ' is not a PostCSS plugin')
       }
     }
     return normalized
   }
""", say="Passing a custom syntax in along with the plugins used to give a confusing not a plugin error, and now the message tells you where that object actually belongs."),
    note("b3-ts-hono-body-limit-chunked", "honojs/hono", "src/middleware/body-limit/index.ts", r"""
 export const bodyLimit = (options: BodyLimitOptions): MiddlewareHandler => {
   const onError: OnError = options.onError || defaultOnError
   const maxSize = options.maxSize
 
   return async function bodyLimit(c, next) {
     if (!c.req.raw.body) {
       // GET or HEAD request
       return next()
     }
 
-    if (c.req.raw.headers.has('content-length')) {
+    const hasTransferEncoding = c.req.raw.headers.has('transfer-encoding')
+    const hasContentLength = c.req.raw.headers.has('content-length')
+
+    if (hasContentLength && !hasTransferEncoding) {
       const contentLength = parseInt(c.req.raw.headers.get('content-length') || '0', 10)
       return contentLength > maxSize ? onError(c) : next()
     }
 
     let size = 0
     const rawReader = c.req.raw.body.getReader()
     const reader = new ReadableStream({
       async start(controller) {
""", say="Why trust {content length|content-length} when the request also says {transfer encoding|transfer-encoding}? We don't anymore: in that case {body limit|bodyLimit} falls through and counts the streamed bytes against {max size|maxSize}."),
    note("b3-ts-strapi-gif-svg-upload", "strapi/strapi", "packages/core/upload/server/src/services/upload.ts", r"""
   async uploadImage(fileData: UploadableFile) {
     const { getDimensions, generateThumbnail, generateResponsiveFormats } =
       getService('image-manipulation');
 
     // Store width and height of the original image
     const { width, height } = await getDimensions(fileData);
 
     // Assign before any upload so providers can read the dimensions
     _.assign(fileData, {
       width,
       height,
     });
 
-    const thumbnailFile = await generateThumbnail(fileData);
+    // Animated GIFs and SVGs come out flattened when sharp rasterises them
+    if (fileData.mime === 'image/gif' || fileData.mime === 'image/svg+xml') {
+      await getService('provider').upload(fileData);
+      return;
+    }
+
+    const thumbnailFile = await generateThumbnail(fileData);
     if (thumbnailFile) {
       await getService('provider').upload(thumbnailFile);
       _.set(fileData, 'formats.thumbnail', thumbnailFile);
     }
 
     const formats = await generateResponsiveFormats(fileData);
""", say="GIFs and SVGs are now uploaded as they are, with no thumbnail or responsive formats, because sharp was flattening the animations; for {image slash gif|image/gif} {upload image|uploadImage} just returns after the provider call."),
    note("b3-ts-vitest-max-workers-percent", "vitest-dev/vitest", "packages/vitest/src/node/config/resolveConfig.ts", r"""
 export function resolveConfig(
   mode: VitestRunMode,
   options: UserConfig,
   viteConfig: ResolvedViteConfig,
   logger: Logger,
 ): ResolvedConfig {
   const resolved = {
     ...configDefaults,
     ...options,
     root: viteConfig.root,
     mode,
   } as any as ResolvedConfig
 
   resolved.provide ??= {}
 
-  if (resolved.maxWorkers) {
+  if (typeof resolved.maxWorkers === 'string' && resolved.maxWorkers.endsWith('%')) {
+    const percent = Number.parseInt(resolved.maxWorkers, 10)
+    const cpus = os.availableParallelism?.() ?? os.cpus().length
+    resolved.maxWorkers = Math.max(1, Math.floor((cpus * percent) / 100))
+  }
+  else if (resolved.maxWorkers) {
     resolved.maxWorkers = Number(resolved.maxWorkers)
   }
 
   if (resolved.bail) {
     resolved.passWithNoTests ??= false
   }
""", say="{max workers|maxWorkers} can be a percentage string now: we take that share of {os dot available parallelism|os.availableParallelism}, round down, and never go below one worker."),
    note("b3-php-drupal-frame-options-csp", "drupal/drupal", "core/lib/Drupal/Core/EventSubscriber/FinishResponseSubscriber.php", r"""
   public function onRespond(ResponseEvent $event) {
     if (!$event->isMainRequest()) {
       return;
     }
 
     $request = $event->getRequest();
     $response = $event->getResponse();
 
-    // Force Internet Explorer to use its most recent rendering engine.
-    $response->headers->set('X-UA-Compatible', 'IE=edge', FALSE);
-
     // Set the Content-language HTTP header.
     $response->headers->set('Content-language', $this->languageManager->getCurrentLanguage()->getId());
 
     $response->headers->set('X-Content-Type-Options', 'nosniff', FALSE);
-    $response->headers->set('X-Frame-Options', 'SAMEORIGIN', FALSE);
+    $csp = (string) $response->headers->get('Content-Security-Policy', '');
+    if (!str_contains($csp, 'frame-ancestors')) {
+      $response->headers->set('X-Frame-Options', 'SAMEORIGIN', FALSE);
+    }
 
     // Expose the cache contexts and tags when debugging is enabled.
     if ($this->debugCacheabilityHeaders) {
""", say="Internet Explorer is gone, so we stop sending {x u a compatible|X-UA-Compatible}, and {x frame options|X-Frame-Options} is only added when the {content security policy|Content-Security-Policy} doesn't already set {frame ancestors|frame-ancestors}."),
    note("b3-php-slim-json-suffix", "slimphp/Slim", "Slim/Middleware/BodyParsingMiddleware.php", r"""
     protected function getMediaType(ServerRequestInterface $request): ?string
     {
         $contentType = $request->getHeader('Content-Type')[0] ?? null;
 
         if (is_string($contentType) && trim($contentType) !== '') {
             $contentTypeParts = explode(';', $contentType);
-            return strtolower(trim($contentTypeParts[0]));
+            $mediaType = strtolower(trim($contentTypeParts[0]));
+
+            // application/vnd.api+json, application/ld+json and friends
+            if (preg_match('~^application/[^/]+\+json$~', $mediaType) === 1) {
+                return 'application/json';
+            }
+
+            return $mediaType;
         }
 
         return null;
     }
 
     /**
      * @return null|array<mixed>|object
      */
     protected function parseBody(ServerRequestInterface $request)
""", say="Structured suffixes count now: {get media type|getMediaType} maps anything like {application slash l d plus json|application/ld+json} onto plain JSON, so the JSON body parser picks those requests up too."),
]
