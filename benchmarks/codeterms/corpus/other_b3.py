"""Batch-3 notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note  # noqa: F401

NOTES: list[dict] = [
    note("b3-rb-httparty-redirect-credentials", "jnunemaker/httparty", "lib/httparty/request.rb", r"""
     def handle_response(raw_body, &block)
       if response_redirects?
         options[:limit] -= 1
         if options[:logger]
           logger = HTTParty::Logger.build(options[:logger], options[:log_level], options[:log_format])
           logger.format(self, last_response)
         end
-        self.path = last_response['location']
+        previous_uri = uri
+        self.path = last_response['location']
+        strip_credentials_on_host_change(previous_uri)
         self.redirect = true
         if last_response.class == Net::HTTPSeeOther
           self.http_method = Net::HTTP::Get unless options[:maintain_method_across_redirects]
         end
         perform(&block)
       else
         handle_response_body(raw_body)
       end
     end
 
+    def strip_credentials_on_host_change(previous_uri)
+      return if uri.host == previous_uri.host && uri.port == previous_uri.port
+
+      options.delete(:basic_auth)
+      options.delete(:digest_auth)
+      options[:headers]&.delete('Authorization')
+    end
""", say="When a redirect points at a different host or port we now call {strip credentials on host change|strip_credentials_on_host_change}, which drops basic and digest auth and the {authorization|Authorization} header, so your password doesn't follow you to someone else's server. The redirect limit still counts down the same way."),
    note("b3-rb-capybara-reset-storage", "teamcapybara/capybara", "lib/capybara/selenium/driver.rb", r"""
     def reset!
       return unless @browser
 
       navigated = false
       timer = Capybara::Helpers.timer(expire_in: 10)
       begin
         unless navigated
-          @browser.manage.delete_all_cookies
-          clear_storage
+          delete_all_cookies
+          clear_storage if options.fetch(:clear_storage, true)
           @browser.navigate.to('about:blank')
         end
         navigated = true
         wait_for_empty_page(timer)
       rescue *unhandled_alert_errors
         accept_unhandled_reset_alert
         retry
       end
     end
 
+    def clear_storage
+      return unless @browser.respond_to?(:session_storage)
+
+      @browser.session_storage.clear
+      @browser.local_storage.clear
+    rescue Selenium::WebDriver::Error::UnsupportedOperationError
+      @browser.execute_script('window.sessionStorage.clear(); window.localStorage.clear();')
+    end
""", say="Should {reset bang|reset!} really wipe storage for everyone? I've put it behind a {clear storage|:clear_storage} option that defaults to true, and when the driver can't do it natively we fall back to clearing {session storage|sessionStorage} from a script."),
    note("b3-sh-rbenv-version-file-sanitize", "rbenv/rbenv", "libexec/rbenv-version-file-read", r"""
 read_version_file() {
   local file="$1"
   local version
   local words=()
 
   if [ -s "$file" ]; then
     # Read the first word only; never load the whole file in case it is huge.
     words=( $(cut -b 1-1024 "$file") )
     version="${words[0]}"
+    version="${version%$'\r'}"
+
+    if [ "$version" = ".." ] || [[ "$version" == */* ]]; then
+      echo "rbenv: invalid version \`$version' ignored in \`$file'" >&2
+      return 1
+    fi
 
     if [ -n "$version" ]; then
       echo "$version"
       return 0
     fi
   fi
   return 1
 }
 
 if [ -n "$1" ]; then
   read_version_file "$1" || exit 1
 fi
""", say="A version file saved on Windows used to give us a version name with a stray carriage return on the end, so nothing matched. Now we strip it, and we also refuse a name that tries to climb out of the versions directory instead of quietly using it."),
    note("b3-sh-tfenv-shasum-fallback", "tfutils/tfenv", "libexec/tfenv-install", r"""
 verify_checksum() {
   local version="$1"
   local tarball_name="$2"
   local download_tmp="$3"
   local shasum_bin
 
   if [[ "${TFENV_SKIP_CHECKSUM:-0}" -eq 1 ]]; then
     log 'warn' "Skipping checksum verification for ${tarball_name} because TFENV_SKIP_CHECKSUM is set"
     return 0
   fi
 
-  if ! command -v sha256sum >/dev/null 2>&1; then
-    log 'error' 'sha256sum is required to verify downloads'
-  fi
-  shasum_bin='sha256sum'
+  if command -v sha256sum >/dev/null 2>&1; then
+    shasum_bin='sha256sum'
+  elif command -v shasum >/dev/null 2>&1; then
+    shasum_bin='shasum -a 256'
+  else
+    log 'error' 'Neither sha256sum nor shasum is available to verify downloads'
+  fi
 
   log 'info' "Verifying ${tarball_name} against SHA256SUMS"
   (
     cd "${download_tmp}" || exit 1
     grep -F "  ${tarball_name}" "terraform_${version}_SHA256SUMS" | ${shasum_bin} -c -
   ) || log 'error' 'Checksum mismatch, refusing to install'
 }
""", say="Macs don't ship {sha two fifty six sum|sha256sum}, so instead of bailing out the install now falls back to {shasum dash a two fifty six|shasum -a 256}. Skipping the checksum entirely is still up to {t f env skip checksum|TFENV_SKIP_CHECKSUM}."),
    note("b3-swift-swiftlint-line-length-comments", "realm/SwiftLint", "Source/SwiftLintBuiltInRules/Rules/Metrics/LineLengthRule.swift", r"""
 struct LineLengthRule: Rule {
     var configuration = LineLengthConfiguration()
 
     func validate(file: SwiftLintFile) -> [StyleViolation] {
         let minValue = configuration.params.map(\.value).min() ?? .max
         let syntaxKindsByLine = file.syntaxKindsByLine() ?? []
         return file.lines.compactMap { line -> StyleViolation? in
             guard line.content.count >= minValue else { return nil }
-            if configuration.ignoresComments, line.content.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
-                return nil
-            }
+            if configuration.ignoresComments,
+               isCommentOnly(line: line, kinds: syntaxKindsByLine) {
+                return nil
+            }
             if configuration.ignoresURLs, line.content.containsURL {
                 return nil
             }
             let length = line.content.count
             for param in configuration.params where length > param.value {
                 let reason = "Line should be \(param.value) characters or less; currently it has \(length) characters"
                 return StyleViolation(ruleDescription: Self.description,
                                       severity: param.severity,
                                       location: Location(file: file, characterOffset: line.range.location),
                                       reason: reason)
             }
             return nil
         }
     }
+
+    private func isCommentOnly(line: Line, kinds: [[SyntaxKind]]) -> Bool {
+        guard line.index < kinds.count else { return false }
+        let lineKinds = kinds[line.index]
+        return !lineKinds.isEmpty && lineKinds.allSatisfy(\.isCommentLike)
+    }
""", say="With {ignores comments|ignoresComments} on, the rule used to skip only lines that start with two slashes, so block comments and doc comments still got flagged. Now {is comment only|isCommentOnly} looks at the syntax kinds on that line instead; the length itself is still counted in characters."),
    note("b3-ex-ecto-validate-length-bytes", "elixir-ecto/ecto", "lib/ecto/changeset.ex", r"""
   def validate_length(changeset, field, opts) when is_list(opts) do
     validate_change(changeset, field, {:length, opts}, fn
       _, value ->
         count_type = opts[:count] || :graphemes
 
         {type, length} =
           case {value, count_type} do
-            {value, _} when is_binary(value) ->
-              {:string, String.length(value)}
+            {value, :graphemes} when is_binary(value) ->
+              {:string, String.length(value)}
+
+            {value, :codepoints} when is_binary(value) ->
+              {:string, value |> String.codepoints() |> length()}
+
+            {value, :bytes} when is_binary(value) ->
+              {:binary, byte_size(value)}
 
             {value, _} when is_list(value) ->
               {:list, list_length(changeset, field, value)}
 
             {value, _} when is_map(value) ->
               {:map, map_size(value)}
           end
 
         error =
           ((is = opts[:is]) && wrong_length(type, length, is, opts)) ||
             ((min = opts[:min]) && too_short(type, length, min, opts)) ||
             ((max = opts[:max]) && too_long(type, length, max, opts))
 
         if error, do: [{field, error}], else: []
     end)
   end
""", say="{validate length|validate_length} now takes a count option, and with {bytes|:bytes} a string is measured with {byte size|byte_size} instead of in graphemes, which is what you want when the database column has a byte limit."),
    note("b3-lua-telescope-no-ignore-parent", "nvim-telescope/telescope.nvim", "lua/telescope/builtin/__files.lua", r"""
 files.find_files = function(opts)
   local find_command = (function()
     if opts.find_command then
       return opts.find_command
     elseif 1 == vim.fn.executable "rg" then
       return { "rg", "--files", "--color", "never" }
     elseif 1 == vim.fn.executable "fd" then
       return { "fd", "--type", "f", "--color", "never" }
     end
   end)()
 
   local command = find_command[1]
   local hidden = opts.hidden
   local no_ignore = opts.no_ignore
+  local no_ignore_parent = opts.no_ignore_parent
 
   if command == "fd" or command == "rg" then
     if hidden then
       find_command[#find_command + 1] = "--hidden"
     end
     if no_ignore then
       find_command[#find_command + 1] = "--no-ignore"
     end
+    if no_ignore_parent then
+      find_command[#find_command + 1] = "--no-ignore-parent"
+    end
   elseif command == "find" then
     if not hidden then
       table.insert(find_command, { "-not", "-path", "*/.*" })
     end
+    if no_ignore_parent then
+      utils.notify("builtin.find_files", { msg = "The `no_ignore_parent` key is not available for `find`", level = "WARN" })
+    end
   end
""", say="I've added {no ignore parent|no_ignore_parent} to {find files|find_files}: it just appends {dash dash no ignore parent|--no-ignore-parent} to the command, and if you're on plain {find|find} you get a warning instead. Hidden files are still handled separately."),
    note("b3-hs-shellcheck-read-single-key", "koalaman/shellcheck", "src/ShellCheck/Analytics.hs", r"""
 checkReadWithoutR :: Parameters -> Token -> Writer [TokenComment] ()
 checkReadWithoutR _ t@T_SimpleCommand {} | t `isUnqualifiedCommand` "read" = do
     let flags = getAllFlags t
         flagNames = map snd flags
         hasRawFlag = "r" `elem` flagNames
         -- `read -d ''` is the usual partner of `find -print0`
         readsNulDelimited = "d" `elem` flagNames
+        -- `read -s -n 1 key` grabs a single keypress: nothing to mangle
+        readsSingleKey = (getLiteralString =<< flagArgument "n" t) == Just "1"
-    unless (hasRawFlag || readsNulDelimited) $
+    unless (hasRawFlag || readsNulDelimited || readsSingleKey) $
         info (getId $ getCommandTokenOrThis t) 2162 "read without -r will mangle backslashes."
 checkReadWithoutR _ _ = return ()
+
+-- The word right after a short flag, as in `-n 1`, if the command has one.
+flagArgument :: String -> Token -> Maybe Token
+flagArgument name t =
+    case dropWhile (not . isFlag) (arguments t) of
+        (_ : value : _) -> Just value
+        _ -> Nothing
+  where
+    isFlag word = getLiteralString word == Just ('-' : name)
""", say="Should we really nag about {dash r|-r} when the read only grabs one keypress? I don't think so, so {check read without r|checkReadWithoutR} now stays quiet for {dash n one|-n 1}, using a small {flag argument|flagArgument} helper to find the count."),
]
