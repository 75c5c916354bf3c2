"""Batch-2 notes, ruby (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES: list[dict] = [
    note("b2-rb-fastlane-asc-retry", "fastlane/fastlane", "spaceship/lib/spaceship/connect_api/client.rb", r"""
 module Spaceship
   module ConnectAPI
     class Client < Spaceship::Client
       # Runs the block and retries it when App Store Connect answers with a server error.
       def with_asc_retry(tries = 5, &block)
         response = yield
         status = response.status if response

-        if [500, 504].include?(status)
+        if [500, 502, 503, 504].include?(status)
           raise TimeoutRetryError, "App Store Connect returned #{status}, #{tries} tries left"
         end

         response
       rescue TimeoutRetryError => error
         tries -= 1
-        raise error if tries.zero?
-        sleep(3)
+        raise error if tries.zero?
+        wait = ASC_RETRY_BASE_DELAY * (6 - tries)
+        UI.important("#{error.message}, waiting #{wait} seconds")
+        sleep(wait)
         retry
       end
     end
   end
 end
""", say="We now retry on bad gateway and service unavailable as well, and each wait gets longer, in steps of {ASC retry base delay|ASC_RETRY_BASE_DELAY}."),
    note("b2-rb-mastodon-link-card", "mastodon/mastodon", "app/services/fetch_link_card_service.rb", r"""
 class FetchLinkCardService < BaseService
   include Redisable

   def call(status)
     @status = status
     @url    = first_link_in(status)
     return if @url.nil?

     remote_url = @url.to_s
-    return if @status.preview_cards.any?
+    return if @status.preview_cards.any?
+    return if private_address?(remote_url)

     with_redis_lock("fetch:#{remote_url}") { attach_card }
   rescue HTTP::Error, OpenSSL::SSL::SSLError, Addressable::URI::InvalidURIError => e
     Rails.logger.debug { "Could not fetch link preview for #{remote_url}: #{e}" }
     nil
   end
+
+  private
+
+  def private_address?(url)
+    host = Addressable::URI.parse(url).normalized_host
+    Resolv.getaddresses(host).map { |a| IPAddr.new(a) }.any? do |ip|
+      ip.private? || ip.loopback? || ip.link_local?
+    end
+  end
 end
""", say="Link previews are skipped when the remote URL resolves to a private address, so the card fetcher can't be used to poke around our own network."),
    note("b2-rb-liquid-truncatewords", "Shopify/liquid", "lib/liquid/standardfilters.rb", r"""
 module Liquid
   module StandardFilters
     DEFAULT_TRUNCATE_WORDS = 15

     def truncatewords(input, words = DEFAULT_TRUNCATE_WORDS, truncate_string = "...")
       return if input.nil?

       input = input.to_s
       words = Utils.to_integer(words)
       words = 1 if words <= 0

-      wordlist = input.split
+      # Only split as far as we need, long bodies made this allocate thousands of strings.
+      wordlist = input.lstrip.split(/\s+/, words + 1)
       return input if wordlist.length <= words

       wordlist.pop
       wordlist.join(" ").concat(Utils.to_s(truncate_string))
     end
   end
 end
""", say="In {truncate words|truncatewords} the split stops one word past the limit, so a long blog post no longer builds a huge {word list|wordlist} just to throw it away."),
    note("b2-rb-guzzle-retry-after", "guzzle/guzzle", "src/RetryMiddleware.php", r"""
 class RetryMiddleware
 {
     private function doRetry(RequestInterface $request, array $options, ?ResponseInterface $response = null): PromiseInterface
     {
         $attempt = ++$options['retries'];
         $options['delay'] = ($this->delay)($attempt, $response, $request);

         if ($this->logger !== null) {
             $this->logger->info(sprintf('Retrying %s, attempt %d', $request->getUri(), $attempt));
         }
+
+        if ($response !== null && $response->hasHeader('Retry-After')) {
+            $retryAfter = (int) $response->getHeaderLine('Retry-After');
+            $options['delay'] = max($options['delay'], $retryAfter * 1000);
+        }

         return $this($request, $options);
     }

     public static function exponentialDelay(int $retries): int
     {
         return (int) 2 ** ($retries - 1) * 1000;
     }
 }
""", say="When the server sends a {retry after|Retry-After} header we wait at least that long before the next attempt, even if the {exponential delay|exponentialDelay} would be shorter."),
    note("b2-rb-nextcloud-upload-size", "nextcloud/server", "apps/dav/lib/Connector/Sabre/File.php", r"""
 class File extends Node implements IFile {
     public function put($data) {
         $path = $this->fileView->getAbsolutePath($this->path);
         [$storage, $internalPath] = $this->fileView->resolvePath($this->path);
         $fileSize = $this->request->getHeader('Content-Length');

         if (!$this->info->isUpdateable()) {
             throw new Forbidden('This file is read only');
         }

-        $mimeType = $this->mimeTypeDetector->detectPath($path);
-        if ($mimeType === '') {
-            throw new UnsupportedMediaType('Could not detect the type of this file');
-        }
+        $freeSpace = $storage->free_space($internalPath);
+        if ($fileSize !== '' && $freeSpace >= 0 && (int)$fileSize > $freeSpace) {
+            throw new InsufficientStorage('Not enough free space left for this upload');
+        }
+        $mimeType = $this->mimeTypeDetector->detectPath($path) ?: 'application/octet-stream';

         return $this->writeUpload($data, $storage, $internalPath, $mimeType);
     }
 }
""", say="Uploads with no detected mime type now fall back to a generic binary type instead of failing, and the file size is checked against the free space before we write anything."),
    note("b2-rb-phpunit-no-color", "sebastianbergmann/phpunit", "src/TextUI/Configuration/Merger.php", r"""
 final class Merger
 {
     public function merge(CliConfiguration $cliConfiguration, XmlConfiguration $xmlConfiguration): Configuration
     {
         $configurationFile = null;

         if ($xmlConfiguration->wasLoadedFromFile()) {
             $configurationFile = $xmlConfiguration->filename();
         }

         $colors = $xmlConfiguration->phpunit()->colors();

         if ($cliConfiguration->hasColors()) {
             $colors = $cliConfiguration->colors();
+        } elseif (getenv('NO_COLOR') !== false && getenv('NO_COLOR') !== '') {
+            $colors = Configuration::COLOR_NEVER;
         }

         return $this->build($configurationFile, $colors, $cliConfiguration, $xmlConfiguration);
     }
 }
""", say="If {no color|NO_COLOR} is set in the environment we turn colors off, but only when the command line didn't ask for them, so {has colors|hasColors} still wins."),
]
