"""Ruby and PHP notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES = [
    note("rb-rails-mime", "rails/rails", "actionpack/lib/action_dispatch/http/mime_negotiation.rb", r"""
 module ActionDispatch
   module Http
     module MimeNegotiation
       def formats
         fetch_header("action_dispatch.request.formats") do |k|
           v = if params_readable?
             Array(Mime[parameters[:format]])
           elsif use_accept_header && valid_accept_header
             accepts.dup
           elsif extension_format = format_from_path_extension
             [extension_format]
-          elsif xhr?
+          elsif xhr? || content_mime_type == Mime[:json]
             [Mime[:js]]
           else
             [Mime[:html]]
           end
           set_header k, v
         end
       end
     end
   end
 end
""", say="A request whose {content mime type|content_mime_type} is JSON gets the JS format, like an XHR request."),
    note("rb-rails-plain", "rails/rails", "activerecord/lib/active_record/relation/batches.rb", r"""
 module ActiveRecord
   module Batches
     def in_batches(of: 1000, start: nil, finish: nil, load: false, error_on_ignore: nil, order: DEFAULT_ORDER, use_ranges: nil, &block)
       unless Array(order).all? { |ord| [:asc, :desc].include?(ord) }
         raise ArgumentError, ":order must be :asc or :desc or an array consisting of :asc or :desc, got #{order.inspect}"
       end
       unless block
         return BatchEnumerator.new(of: of, start: start, finish: finish, relation: self, order: order, use_ranges: use_ranges)
       end
       if arel.orders.present?
         act_on_ignored_order(error_on_ignore)
       end
-      batch_limit = of
+      batch_limit = of
+      if limit_value
+        remaining   = limit_value
+        batch_limit = remaining if remaining < batch_limit
+      end
     end
   end
 end
""", say="Batches respect a limit on the relation: the batch size never goes over what is left."),
    note("rb-rails-firstline", "rails/rails", "railties/lib/rails/source_annotation_extractor.rb", r"""
 module Rails
   class SourceAnnotationExtractor
     def extract_annotations_from(file, pattern)
       lineno = 0
       result = File.readlines(file, encoding: Encoding::BINARY).inject([]) do |list, line|
         lineno += 1
         next list unless line =~ pattern
         list << Annotation.new(lineno, $1, $2)
       end
       result.empty? ? {} : { file => result }
     end

     def find_in(dir)
       results = {}
-      Dir.glob("#{dir}/*") do |item|
+      Dir.glob("#{dir}/*") do |item|
+        next if File.basename(item).start_with?(".")
         next if File.directory?(item) && !File.symlink?(item)
       end
       results
     end
   end
 end
""", say="Hidden files are skipped when looking for annotations in a directory."),
    note("rb-devise-timeout", "heartcombo/devise", "lib/devise/models/timeoutable.rb", r"""
 module Devise
   module Models
     module Timeoutable
       extend ActiveSupport::Concern

       def self.required_fields(klass)
         []
       end

       def timedout?(last_access)
         !timeout_in.nil? && last_access && last_access <= timeout_in.ago
       end

       def timeout_in
-        self.class.timeout_in
+        self.class.timeout_in
+      end
+
+      def remember_exists_and_not_expired?
+        respond_to?(:remember_created_at) && remember_created_at && !remember_expired?
       end
     end
   end
 end
""", say="Timeoutable gets {remember exists and not expired|remember_exists_and_not_expired}, which checks {remember created at|remember_created_at}."),
    note("rb-sidekiq-retry", "sidekiq/sidekiq", "lib/sidekiq/job_retry.rb", r"""
 module Sidekiq
   class JobRetry
     def process_retry(jobinst, msg, queue, exception)
       max_retry_attempts = retry_attempts_from(msg["retry"], @max_retries)
       msg["queue"] = (msg["retry_queue"] || queue)
       m = exception_message(exception)
       if m.respond_to?(:scrub!)
         m.force_encoding("utf-8")
         m.scrub!
       end
       msg["error_message"] = m
       msg["error_class"] = exception.class.name
-      count = if msg["retry_count"]
+      count = if msg["retry_count"]
+        msg["retried_at"] = Time.now.to_f
         msg["retry_count"] += 1
       end
     end
   end
 end
""", say="Each retry records when it happened in the job's {retried at|retried_at} field."),
    note("rb-rubocop-plain", "rubocop/rubocop", "lib/rubocop/cop/style/redundant_return.rb", r"""
 module RuboCop
   module Cop
     module Style
       class RedundantReturn < Base
         def on_send(node)
           return unless node.method?(:define_method) || node.method?(:define_singleton_method)
           return unless node.last_argument&.block_pass_type?
           check_branch(node.last_argument)
         end

         def correct_with_arguments(return_node, corrector)
           if return_node.children.size > 1
             add_brackets(corrector, return_node)
-          elsif hash_without_braces?(return_node.first_argument)
+          elsif hash_without_braces?(return_node.first_argument)
+            add_braces(corrector, return_node.first_argument)
           end
         end
       end
     end
   end
 end
""", say="Correcting a redundant return that gives back a hash without braces adds the braces."),
    note("rb-jekyll-permalink", "jekyll/jekyll", "lib/jekyll/document.rb", r"""
 module Jekyll
   class Document
     def url_placeholders
       @url_placeholders ||= Drops::UrlDrop.new(self)
     end

     def destination(base_directory)
       @destination ||= {}
       @destination[base_directory] ||= begin
         path = site.in_dest_dir(base_directory, URL.unescape_path(url))
         if url.end_with? "/"
           path = File.join(path, "index.html")
-        else
+        elsif File.extname(path).empty?
           path << output_ext unless path.end_with? output_ext
         end
         path
       end
     end
   end
 end
""", say="A permalink with its own file ending keeps it, the {output ext|output_ext} is only added when there is none."),
    note("rb-homebrew-plain", "Homebrew/brew", "Library/Homebrew/cleanup.rb", r"""
 module Homebrew
   class Cleanup
     def cleanup_cache(entries = nil)
       entries ||= [cache, cache/"Cask"].select(&:directory?).flat_map(&:children)
       entries.each do |path|
         next if path == PERIODIC_CLEAN_FILE
         FileUtils.chmod_R 0755, path if path.go_cache_directory? && !dry_run?
         next cleanup_path(path) { path.unlink } if path.incomplete?
         next cleanup_path(path) { FileUtils.rm_rf path } if path.nested_cache?
         if path.prune?(days)
-          if path.file? || path.symlink?
+          if path.file? || path.symlink?
+            next if path.basename.to_s.start_with?(".")
             cleanup_path(path) { path.unlink }
           end
         end
       end
     end
   end
 end
""", say="Cleaning the cache leaves dot files alone when they are old enough to prune."),
    note("rb-rack-mime", "rack/rack", "lib/rack/request.rb", r"""
 module Rack
   class Request
     module Helpers
       FORM_DATA_MEDIA_TYPES = [
         'application/x-www-form-urlencoded',
         'multipart/form-data'
       ]

       def form_data?
         type = media_type
         meth = get_header(RACK_METHODOVERRIDE_ORIGINAL_METHOD) || get_header(REQUEST_METHOD)
-        (meth == POST && type.nil?) || FORM_DATA_MEDIA_TYPES.include?(type)
+        (meth == POST && type.nil?) || FORM_DATA_MEDIA_TYPES.include?(type) || type == 'multipart/mixed'
       end
     end
   end
 end
""", say="{Form data|form_data} also covers {multipart slash mixed|multipart/mixed} bodies now."),
    note("rb-puma-plain", "puma/puma", "lib/puma/server.rb", r"""
 module Puma
   class Server
     def handle_servers
       begin
         check = @check
         sockets = [check] + @binder.ios
         pool = @thread_pool
         queue_requests = @queue_requests
         drain = options[:drain_on_shutdown] ? 0 : nil
         addr_send_name, addr_value = case options[:remote_address]
         when :value
           [:peerip=, options[:remote_address_value]]
         end
-        while @status == :run || (drain && shutting_down?)
+        while @status == :run || (drain && shutting_down?)
+          break if @status == :halt
         end
       end
     end
   end
 end
""", say="The server loop stops at once on halt, even while it is draining."),
    note("rb-rspec-diff", "rspec/rspec-expectations", "lib/rspec/matchers/built_in/eq.rb", r"""
 module RSpec
   module Matchers
     module BuiltIn
       class Eq < BaseMatcher
         def failure_message
           if string_encoding_differs?
             "\nexpected: #{format_encoding(expected)} #{expected_formatted}\n     got: #{format_encoding(actual)} #{actual_formatted}\n\n(compared using ==)\n"
           else
             "\nexpected: #{expected_formatted}\n     got: #{actual_formatted}\n\n(compared using ==)\n"
           end
         end

         def diffable?
-          true
+          !(expected.is_a?(String) && actual.is_a?(String) && expected.lines.count < 2 && actual.lines.count < 2)
         end
       end
     end
   end
 end
""", say="The eq matcher does not show a diff for two strings of one line each."),
    note("php-laravel-json", "laravel/framework", "src/Illuminate/Http/Request.php", r"""
 class Request extends SymfonyRequest implements Arrayable, ArrayAccess
 {
     public function isJson()
     {
         return Str::contains($this->header('CONTENT_TYPE') ?? '', ['/json', '+json']);
     }

     public function expectsJson()
     {
-        return ($this->ajax() && ! $this->pjax() && $this->acceptsAnyContentType()) || $this->wantsJson();
+        return ($this->ajax() && ! $this->pjax() && $this->acceptsAnyContentType()) || $this->wantsJson() || $this->isJson() && $this->acceptsAnyContentType();
     }

     public function wantsJson()
     {
         $acceptable = $this->getAcceptableContentTypes();
         return isset($acceptable[0]) && Str::contains(strtolower($acceptable[0]), ['/json', '+json']);
     }
 }
""", say="A request that sends JSON and accepts anything {expects json|expectsJson} too."),
    note("php-symfony-plain", "symfony/symfony", "src/Symfony/Component/HttpFoundation/Response.php", r"""
 class Response
 {
     public function prepare(Request $request): static
     {
         $headers = $this->headers;
         if ($this->isInformational() || $this->isEmpty()) {
             $this->setContent(null);
             $headers->remove('Content-Type');
             $headers->remove('Content-Length');
             ini_set('default_mimetype', '');
         } else {
             if (!$headers->has('Content-Type')) {
                 $format = $request->getRequestFormat(null);
                 if (null !== $format && $mimeType = $request->getMimeType($format)) {
                     $headers->set('Content-Type', $mimeType);
                 }
             }
-            $charset = $this->charset ?: 'UTF-8';
+            $charset = $this->charset ?: 'utf-8';
         }
         return $this;
     }
 }
""", say="The default charset is written in lower case."),
    note("php-composer-plain", "composer/composer", "src/Composer/Command/RequireCommand.php", r"""
 class RequireCommand extends BaseCommand
 {
     protected function execute(InputInterface $input, OutputInterface $output): int
     {
         $this->file = Factory::getComposerFile();
         $io = $this->getIO();
         if ($input->getOption('no-suggest')) {
             $io->writeError('<warning>You are using the deprecated option "--no-suggest". It has no effect and will break in Composer 3.</warning>');
         }
         $this->newlyCreated = !file_exists($this->file);
         if ($this->newlyCreated && !file_put_contents($this->file, "{\n}\n")) {
             $io->writeError('<error>'.$this->file.' could not be created.</error>');
             return 1;
         }
-        $this->json = new JsonFile($this->file);
+        $this->json = new JsonFile($this->file);
+        $this->lock = Factory::getLockFile($this->file);
         return 0;
     }
 }
""", say="Require remembers the lock file next to the composer file when it starts."),
    note("php-wordpress-plain", "WordPress/wordpress-develop", "src/wp-includes/formatting.php", r"""
 function sanitize_file_name( $filename ) {
 	$filename_raw = $filename;
 	$filename     = remove_accents( $filename );
 	$special_chars = array( '?', '[', ']', '/', '\\', '=', '<', '>', ':', ';', ',', "'", '"', '&', '$', '#', '*', '(', ')', '|', '~', '`', '!', '{', '}', '%', '+', chr( 0 ) );
 	if ( ! seems_utf8( $filename ) ) {
 		$_ext     = pathinfo( $filename, PATHINFO_EXTENSION );
 		$_name    = pathinfo( $filename, PATHINFO_FILENAME );
 		$filename = sanitize_title_with_dashes( $_name ) . '.' . $_ext;
 	}
-	$filename = str_replace( $special_chars, '', $filename );
+	$filename = str_replace( $special_chars, '', $filename );
+	$filename = str_replace( array( '%20', '+' ), '-', $filename );
 	return $filename;
 }
""", say="{Sanitize file name|sanitize_file_name} turns encoded spaces and plus signs into dashes."),
    note("rb-faraday-retry", "lostisland/faraday", "lib/faraday/connection.rb", r"""
 module Faraday
   class Connection
     def initialize(url = nil, options = nil)
       options = ConnectionOptions.from(options)
       if url.is_a?(Hash) || url.is_a?(ConnectionOptions)
         options = Utils.deep_merge(options, url)
         url     = options.url
       end
       @parallel_manager = nil
       @headers = Utils::Headers.new
       @params  = Utils::ParamsHash.new
       @options = options.request
       @ssl = options.ssl
       @default_parallel_manager = options.parallel_manager
-      @builder = options.builder || begin
+      @manual_proxy = nil
+      @builder = options.builder || begin
         options.new_builder(block_given? ? proc { |b| yield(b) } : nil)
       end
     end
   end
 end
""", say="A new connection starts with {manual proxy|manual_proxy} unset."),
    note("rb-discourse-plain", "discourse/discourse", "app/models/topic.rb", r"""
 class Topic < ActiveRecord::Base
   def self.fancy_title(title)
     return unless escaped = ERB::Util.html_escape(title)
     fancy_title = Emoji.unicode_unescape(HtmlPrettify.render(escaped))
     fancy_title.length > Topic.max_fancy_title_length ? escaped : fancy_title
   end

   def fancy_title
     return ERB::Util.html_escape(title) unless SiteSetting.title_fancy_entities?
     unless fancy_title = read_attribute(:fancy_title)
       fancy_title = Topic.fancy_title(title)
-      write_attribute(:fancy_title, fancy_title)
+      write_attribute(:fancy_title, fancy_title)
+      if !new_record? && !Discourse.readonly_mode?
+        DB.exec("UPDATE topics SET fancy_title = :fancy_title WHERE id = :id", id: self.id, fancy_title: fancy_title)
+      end
     end
     fancy_title
   end
 end
""", say="The fancy title is saved to the database the first time it is built, unless the site is read only."),
    note("rb-bundler-lock", "rubygems/rubygems", "bundler/lib/bundler/definition.rb", r"""
 module Bundler
   class Definition
     def lock(file_or_preserve_unknown_sections = false, preserve_unknown_sections_or_unused = false)
       if [true, false, nil].include?(file_or_preserve_unknown_sections)
         target_lockfile = lockfile
         preserve_unknown_sections = file_or_preserve_unknown_sections
       else
         target_lockfile = file_or_preserve_unknown_sections
         preserve_unknown_sections = preserve_unknown_sections_or_unused
       end
       return if Definition.no_lock
-      contents = to_lock
+      contents = to_lock
+      contents.gsub!(/\n\n+\z/, "\n")
       File.write(target_lockfile, contents)
     end
   end
 end
""", say="The lock file is written without extra blank lines at its end."),
]
