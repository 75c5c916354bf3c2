"""Shell, Lua, Perl, Swift and other notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES = [
    note("sh-nvm-install", "nvm-sh/nvm", "nvm.sh", r"""
 nvm_install_binary() {
   local NVM_FLAVOR
   case "${1-}" in
     node | iojs) NVM_FLAVOR="${1}" ;;
     *) nvm_err 'supported flavors: node, iojs' ; return 4 ;;
   esac
   local TYPE
   TYPE="${2-}"
   local PREFIXED_VERSION
   PREFIXED_VERSION="${3-}"
   local nosource
   nosource="${4-}"
-  local TMPDIR
+  local TMPDIR
+  if [ -z "${PREFIXED_VERSION}" ]; then
+    nvm_err 'A version number is required.'
+    return 3
+  fi
   local VERSION
 }
""", say="{NVM install binary|nvm_install_binary} fails early with a message when no version number is given."),
    note("sh-nvm-plain", "nvm-sh/nvm", "install.sh", r"""
 nvm_detect_profile() {
   if [ "${PROFILE-}" = '/dev/null' ]; then
     # the user has specifically requested NOT to have nvm touch their profile
     return
   fi
   if [ -n "${PROFILE}" ] && [ -f "${PROFILE}" ]; then
     nvm_echo "${PROFILE}"
     return
   fi
   local DETECTED_PROFILE
   DETECTED_PROFILE=''
   if [ "${SHELL#*bash}" != "$SHELL" ]; then
-    if [ -f "$HOME/.bashrc" ]; then
+    if [ -f "$HOME/.bashrc" ]; then
+      DETECTED_PROFILE="$HOME/.bashrc"
+    elif [ -f "$HOME/.bash_profile" ]; then
+      DETECTED_PROFILE="$HOME/.bash_profile"
     fi
   fi
 }
""", say="For bash the installer falls back to the {bash profile|.bash_profile} file when there is no {bashrc|.bashrc}."),
    note("sh-ohmyzsh-git", "ohmyzsh/ohmyzsh", "lib/git.zsh", r"""
 function git_prompt_info() {
   # If we are on a folder not tracked by git, get out.
   # Otherwise, check for hide-info at global and local repository level
   if ! __git_prompt_git rev-parse --git-dir &> /dev/null \
      || [[ "$(__git_prompt_git config --get oh-my-zsh.hide-info 2>/dev/null)" == 1 ]]; then
     return 0
   fi
   local ref
   ref=$(__git_prompt_git symbolic-ref --short HEAD 2> /dev/null) \
-  || ref=$(__git_prompt_git rev-parse --short HEAD 2> /dev/null) \
+  || ref=$(__git_prompt_git describe --tags --exact-match HEAD 2> /dev/null) \
+  || ref=$(__git_prompt_git rev-parse --short HEAD 2> /dev/null) \
   || return 0
   echo "${ZSH_THEME_GIT_PROMPT_PREFIX}${ref:gs/%/%%}${ZSH_THEME_GIT_PROMPT_SUFFIX}"
 }
""", say="The prompt shows the tag name on a detached head that sits exactly on a tag, before falling back to the short hash."),
    note("sh-rustup-init", "rust-lang/rustup", "rustup-init.sh", r"""
 get_architecture() {
     local _ostype _cputype _bitness _arch _clibtype
     _ostype="$(uname -s)"
     _cputype="$(uname -m)"
     _clibtype="gnu"
     if [ "$_ostype" = Linux ]; then
         if [ "$(uname -o)" = Android ]; then
             _ostype=Android
         fi
         if ldd --version 2>&1 | grep -q 'musl'; then
             _clibtype="musl"
         fi
     fi
-    if [ "$_ostype" = Darwin ] && [ "$_cputype" = i386 ]; then
+    if [ "$_ostype" = Darwin ]; then
+        if [ "$_cputype" = i386 ]; then
+            if sysctl hw.optional.x86_64 | grep -q ': 1'; then
+                _cputype=x86_64
+            fi
+        fi
     fi
     RETVAL="$_arch"
 }
""", say="{Get architecture|get_architecture} asks sysctl whether an i386 Mac really runs sixty four bit."),
    note("sh-docker-install", "docker/docker-install", "install.sh", r"""
 do_install() {
 	echo "# Executing docker install script, commit: $SCRIPT_COMMIT_SHA"
 	if command_exists docker; then
 		cat >&2 <<-'EOF'
 			Warning: the "docker" command appears to already exist on this system.
 		EOF
 		( set -x; sleep 20 )
 	fi
 	user="$(id -un 2>/dev/null || true)"
 	sh_c='sh -c'
 	if [ "$user" != 'root' ]; then
-		if command_exists sudo; then
+		if command_exists sudo; then
+			sh_c='sudo -E sh -c'
+		elif command_exists doas; then
+			sh_c='doas sh -c'
 		fi
 	fi
 }
""", say="The install script can also use doas when sudo is not there."),
    note("sh-bats-plain", "bats-core/bats-core", "libexec/bats-core/bats-exec-test", r"""
 bats_teardown_trap() {
   bats_check_status_from_trap
   local bats_teardown_trap_status=0
   # mark the start of this function to distinguish where skip is called
   # parameter 1 will signify the reason why this function was called
   # this is used to identify when this is called as exit trap function
   BATS_TEARDOWN_STARTED=${1:-1}
   teardown >>"$BATS_OUT" 2>&1 || bats_teardown_trap_status="$?"
   if [[ $bats_teardown_trap_status -eq 0 ]]; then
     BATS_TEARDOWN_COMPLETED=1
-  elif [[ -n "$BATS_TEST_COMPLETED" ]]; then
+  elif [[ -n "$BATS_TEST_COMPLETED" ]]; then
+    BATS_DEBUG_LAST_STACK_TRACE_IS_VALID=1
     BATS_ERROR_STATUS="$bats_teardown_trap_status"
   fi
 }
""", say="When teardown fails after the test itself passed, the stack trace of the failure is kept as valid."),
    note("sh-asdf-plain", "asdf-vm/asdf", "lib/utils.bash", r"""
 find_versions() {
   local plugin_name=$1
   local search_path=$2
   local version
   version=$(get_version_from_env "$plugin_name")
   if [ -n "$version" ]; then
     local upcase_name
     upcase_name=$(printf "%s\n" "$plugin_name" | tr '[:lower:]-' '[:upper:]_')
     local version_env_var="ASDF_${upcase_name}_VERSION"
     printf "%s\n" "$version|$version_env_var environment variable"
     return 0
   fi
-  local plugin_path
+  local plugin_path
+  check_if_plugin_exists "$plugin_name"
   plugin_path=$(get_plugin_path "$plugin_name")
 }
""", say="Finding versions checks first that the plugin exists, with {check if plugin exists|check_if_plugin_exists}."),
    note("sh-pyenv-plain", "pyenv/pyenv", "libexec/pyenv-version-file-read", r"""
 VERSION_FILE="$1"
 if [ -s "$VERSION_FILE" ]; then
   # Read the first non-whitespace word from the specified version file.
   # Be careful not to load it whole in case there's something crazy in it.
   IFS="${IFS}"$'\r'
   sep=
   while read -n 1024 -r version _ || [[ $version ]]; do
     if [[ -z $version || $version == \#* ]]; then
       # Skip empty lines and comments
       continue
     elif [ "$version" = ".." ] || [[ $version == */* ]]; then
       # The version string is used to construct a path and we skip dubious values.
-      continue
+      echo "pyenv: invalid version \`$version' ignored in \`$VERSION_FILE'" >&2
+      continue
     fi
   done < "$VERSION_FILE"
 fi
""", say="A version that looks like a path is still skipped, but now with a warning naming the version file."),
    note("sh-neofetch-plain", "dylanaraps/neofetch", "neofetch", r"""
 get_memory() {
     case $os in
         "Linux" | "Windows")
             # MemUsed = Memtotal + Shmem - MemFree - Buffers - Cached - SReclaimable
             while IFS=":" read -r a b; do
                 case $a in
                     "MemTotal") ((mem_used+=${b/kB})); mem_total="${b/kB}" ;;
                     "Shmem") ((mem_used+=${b/kB}))  ;;
                     "MemFree" | "Buffers" | "Cached" | "SReclaimable")
                         mem_used="$((mem_used-=${b/kB}))"
                     ;;
-                esac
+                    "MemAvailable") mem_avail=${b/kB} ;;
+                esac
             done < /proc/meminfo
         ;;
     esac
 }
""", say="Memory use on Linux reads the available memory line from {slash proc slash meminfo|/proc/meminfo} as well."),
    note("sh-acme-plain", "acmesh-official/acme.sh", "acme.sh", r"""
 _send_signed_request() {
   url=$1
   payload=$2
   needbase64=$3
   _debug url "$url"
   _debug payload "$payload"
   if ! _calcjwk "$ACCOUNT_KEY_PATH"; then
     _err "Can not calc jwk"
     return 1
   fi
   MAX_REQUEST_RETRY_TIMES=20
   _sleep_retry_sec=1
   _request_retry_times=0
-  while [ "${_request_retry_times}" -lt "$MAX_REQUEST_RETRY_TIMES" ]; do
+  while [ "${_request_retry_times}" -lt "$MAX_REQUEST_RETRY_TIMES" ]; do
+    _sleep_retry_sec=$(_math "$_request_retry_times" \* 2)
     _request_retry_times=$(_math "$_request_retry_times" + 1)
   done
 }
""", say="Signed requests wait twice as long as the retry count between attempts instead of one second."),
    note("sh-fzf-install", "junegunn/fzf", "install", r"""
 download() {
   echo "Downloading bin/fzf ..."
   if [ -x "$fzf_base"/bin/fzf ]; then
     echo "  - Already exists"
     check_binary && return
   fi
   link_fzf_in_path && return
   mkdir -p "$fzf_base"/bin && cd "$fzf_base"/bin
   if [ $? -ne 0 ]; then
     binary_error="Failed to create bin directory"
     return
   fi
   local url
-  url=https://github.com/junegunn/fzf/releases/download/$version/${1}
+  url=https://github.com/junegunn/fzf/releases/download/v$version/${1}
   set -o pipefail
   if ! (try_curl $url || try_wget $url); then
     set +o pipefail
     binary_error="Failed to download with curl and wget"
     return
   fi
 }
""", say="The download URL puts a v in front of the version, which the release tags have."),
    note("lua-neovim-plain", "neovim/neovim", "runtime/lua/vim/lsp/util.lua", r"""
 function M.apply_text_edits(text_edits, bufnr, offset_encoding)
   validate('text_edits', text_edits, 'table', false)
   validate('bufnr', bufnr, 'number', false)
   if not next(text_edits) then
     return
   end
   bufnr = vim._resolve_bufnr(bufnr)
   if not api.nvim_buf_is_loaded(bufnr) then
     vim.fn.bufload(bufnr)
   end
   vim.bo[bufnr].buflisted = true
   local marks = {}
-  local has_eol_text_edit = false
+  local has_eol_text_edit = false
+  local is_cursor_fixed = false
   local max = api.nvim_buf_line_count(bufnr)
 end
""", say="Applying text edits tracks whether the cursor was already fixed, in {is cursor fixed|is_cursor_fixed}."),
    note("lua-kong-plain", "Kong/kong", "kong/pdk/response.lua", r"""
 local function new(self, major_version)
   local _RESPONSE = {}

   function _RESPONSE.set_header(name, value)
     check_phase(header_body_log)
     if ngx.headers_sent then
       error("headers have already been sent", 2)
     end
     validate_header(name, value)
-    ngx.header[name] = normalize_header(value)
+    if lower(name) == "content-length" and ngx.ctx.buffered_proxying then
+      return
+    end
+    ngx.header[name] = normalize_header(value)
   end
   return _RESPONSE
 end
""", say="Setting the {content length|content-length} header is ignored while the proxy is buffering the response."),
    note("pl-exiftool-plain", "exiftool/exiftool", "lib/Image/ExifTool/Writer.pl", r"""
 sub SetNewValue($;$$%)
 {
     local $_;
     my ($self, $tag, $value, %options) = @_;
     my ($err, $tagInfo, $family);
     my $verbose = $$self{OPTIONS}{Verbose};
     my $out = $$self{OPTIONS}{TextOut};
     my $protected = $options{Protected} || 0;
     my $listOnly = $options{ListOnly};
     my $setTags = $options{SetTags};
     my $noDups = $options{NoDups};
-    my $numSet = 0;
+    my $numSet = 0;
+    $value = '' if defined $value and $value eq "\0";
     unless (defined $tag) {
         delete $$self{NEW_VALUE};
     }
 }
""", say="A value that is a single null byte is treated as an empty string when setting a new value."),
    note("swift-alamofire-mime", "Alamofire/Alamofire", "Source/Features/MultipartFormData.swift", r"""
 open class MultipartFormData {
     private func mimeType(forPathExtension pathExtension: String) -> String {
         #if canImport(UniformTypeIdentifiers)
         if #available(iOS 14, macOS 11, tvOS 14, watchOS 7, *) {
             return UTType(filenameExtension: pathExtension)?.preferredMIMEType ?? "application/octet-stream"
         } else {
             if
                 let id = UTTypeCreatePreferredIdentifierForTag(kUTTagClassFilenameExtension, pathExtension as CFString, nil)?.takeRetainedValue(),
                 let contentType = UTTypeCopyPreferredTagWithClass(id, kUTTagClassMIMEType)?.takeRetainedValue() {
                 return contentType as String
             }
-            return "application/octet-stream"
+            return pathExtension == "heic" ? "image/heic" : "application/octet-stream"
         }
         #endif
     }
 }
""", say="HEIC photos get {image slash heic|image/heic} on older systems instead of the generic octet stream type."),
    note("swift-vapor-plain", "vapor/vapor", "Sources/Vapor/Routing/RoutesBuilder+Group.swift", r"""
 extension RoutesBuilder {
     public func grouped(_ path: PathComponent...) -> RoutesBuilder {
         return self.grouped(path)
     }

     public func grouped(_ path: [PathComponent]) -> RoutesBuilder {
         guard path.count > 0 else {
             return self
         }
-        return HTTPRoutesGroup(root: self, path: path)
+        return HTTPRoutesGroup(root: self, path: path.filter { $0 != .constant("") })
     }
 }
""", say="Grouping routes drops empty path parts, so a trailing slash does not create an empty segment."),
    note("sh-k8s-plain", "kubernetes/kubernetes", "hack/lib/golang.sh", r"""
 kube::golang::setup_env() {
   kube::golang::verify_go_version
   # Set GOROOT so binaries that parse code can work properly.
   GOROOT=$(go env GOROOT)
   export GOROOT
   # Unset GOBIN in case it already exists in the current session.
   # Cross-compiles will not work with it set.
   unset GOBIN
   # This seems to matter to some tools
   export GO15VENDOREXPERIMENT=1
-  export GOFLAGS=${GOFLAGS:-}
+  export GOFLAGS=${GOFLAGS:-}
+  export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
 }
""", say="The build sets {go toolchain|GOTOOLCHAIN} to local unless you set it yourself."),
    note("sh-homebrew-install", "Homebrew/install", "install.sh", r"""
 should_install_command_line_tools() {
   if [[ -n "${HOMEBREW_ON_LINUX-}" ]]
   then
     return 1
   fi
   if version_gt "${macos_version}" "10.13"
   then
     ! [[ -e "/Library/Developer/CommandLineTools/usr/bin/git" ]]
   else
     ! [[ -e "/Library/Developer/CommandLineTools/usr/bin/git" ]] ||
       ! [[ -e "/usr/include/iconv.h" ]]
   fi
-}
+}
+
+get_permission() {
+  "${STAT_PRINTF[@]}" "${PERMISSION_FORMAT}" "$1"
+}
""", say="The installer gets a {get permission|get_permission} helper that prints a file's mode."),
    note("sh-git-completion", "git/git", "contrib/completion/git-completion.bash", r"""
 _git_switch ()
 {
 	local dwim_opt="$(__git_checkout_default_dwim_mode)"
 	case "$prev" in
 	-c|-C|--orphan)
 		# Complete local branches (and DWIM branch
 		# remote branch names) for an option argument
 		# specifying a new branch name. This is for
 		# convenience, assuming new branches are
 		# possibly based on pre-existing branch names.
 		__git_complete_refs $dwim_opt --mode="heads"
 		return
 		;;
-	*)
+	--track|-t)
+		return
+		;;
+	*)
 		;;
 	esac
 }
""", say="Completing git switch offers nothing after the track option."),
]
