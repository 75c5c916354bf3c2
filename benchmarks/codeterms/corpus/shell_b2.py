"""Batch-2 notes, shell (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES: list[dict] = [
    note("b2-sh-tpm-shallow-clone", "tmux-plugins/tpm", "scripts/install_plugins.sh", r"""
 #!/usr/bin/env bash

 CURRENT_DIR="$( cd "$( dirname "${BASH_SOURCE[0]}" )" && pwd )"
 source "$CURRENT_DIR/helpers/plugin_functions.sh"

 clone_plugin() {
 	local plugin="$1"
 	local branch="$2"
 	local url plugin_dir
 	url="$(plugin_url "$plugin")"
 	plugin_dir="$(tpm_path)$(plugin_name_helper "$plugin")"
-	local clone_args=(--recursive)
+	local depth="${TPM_CLONE_DEPTH:-1}"
+	local clone_args=(--recursive)
+	if [ "$depth" != "0" ]; then
+		clone_args+=(--depth "$depth" --shallow-submodules)
+	fi
 	if [ -n "$branch" ]; then
 		clone_args+=(-b "$branch" --single-branch)
 	fi
 	GIT_TERMINAL_PROMPT=0 git clone "${clone_args[@]}" "$url" "$plugin_dir" >/dev/null 2>&1
 }
""", say="Plugins are cloned shallow by default now, and anyone who wants the full history can set {TPM clone depth|TPM_CLONE_DEPTH} to zero."),
    note("b2-sh-lazy-checker-skip", "folke/lazy.nvim", "lua/lazy/manage/checker.lua", r"""
 local Config = require("lazy.core.config")
 local Git = require("lazy.manage.git")

 local M = {}

 function M.fast_check(opts)
   opts = opts or {}
   for _, plugin in pairs(Config.plugins) do
     if not plugin.pin and not plugin.dev and plugin._.installed then
       plugin._.updates = nil
       local info = Git.info(plugin.dir)
       local target = Git.get_target(plugin)
-      if info and target and info.commit ~= target.commit then
+      if info and target and info.commit ~= target.commit and not M.is_skipped(plugin, target) then
         plugin._.updates = { from = info, to = target }
       end
     end
   end
   M.report(opts.report ~= false)
 end
+
+function M.is_skipped(plugin, target)
+  local skip = Config.options.checker.skip or {}
+  return vim.tbl_contains(skip, plugin.name) or vim.tbl_contains(skip, target.commit)
+end

 return M
""", say="The update checker honours a skip list now, so {fast check|fast_check} ignores any plugin or commit that's listed under {checker dot skip|checker.skip}."),
    note("b2-sh-awesome-focus-history", "awesomeWM/awesome", "lib/awful/client/focus.lua", r"""
 local capi = { client = client, screen = screen }
 local focus = { history = { list = {} } }

 function focus.history.get(s, idx, filter)
     local scr = get_screen(s)
     filter = filter or focus.filter
     local i = 0
     for _, c in ipairs(focus.history.list) do
-        if c.screen == scr then
+        if c.valid and c.screen == scr then
             if not filter or filter(c) then
                 if i == idx then
                     return c
                 end
                 i = i + 1
             end
         end
     end
     return nil
 end
""", say="Going back through the focus history now skips windows that were already closed, so the shortcut never tries to focus a client that's gone."),
    note("b2-sh-mojo-static-cache", "mojolicious/mojo", "lib/Mojolicious/Static.pm", r"""
 package Mojolicious::Static;
 use Mojo::Base -base;

 sub serve {
   my ($self, $c, $rel) = @_;

   return undef unless my $asset = $self->file($rel);
   $c->app->types->content_type($c, {file => $rel});
   my $headers = $c->res->headers;

   if ($self->is_fingerprinted($rel)) {
-    $headers->cache_control('max-age=3600');
+    $headers->cache_control('public, max-age=31536000, immutable');
+  }
+  else {
+    $headers->cache_control('no-cache');
   }

   return !!$self->serve_asset($c, $asset);
 }

 1;
""", say="Assets that pass {is fingerprinted|is_fingerprinted} are now cached for a whole year, and everything else goes out with {no cache|no-cache} so the browser revalidates."),
    note("b2-sh-n-mirror-slash", "tj/n", "bin/n", r"""
 #
 # Synopsis: set_mirror_urls
 # Work out where release tarballs and the version index are downloaded from.
 #

 function set_mirror_urls() {
   local default_mirror="https://nodejs.org/dist/"
   local mirror="${N_NODE_MIRROR:-$default_mirror}"
   g_download_flags=()
   if [[ -n "${N_NODE_MIRROR_USER}" ]]; then
     g_download_flags+=(--user "${N_NODE_MIRROR_USER}")
   fi
-  g_mirror_url="${mirror}"
+  # Accept the mirror with or without a trailing slash.
+  g_mirror_url="${mirror%/}/"
   g_index_url="${g_mirror_url}index.tab"
 }
""", say="A mirror in {N node mirror|N_NODE_MIRROR} may now end with or without a slash, we trim it and add exactly one before building the {index URL|g_index_url}."),
    note("b2-sh-dehydrated-renew-utc", "dehydrated-io/dehydrated", "dehydrated", r"""
 # Usage: cert_needs_renewal <certfile>
 # Succeeds when the certificate expires within RENEW_DAYS days.
 cert_needs_renewal() {
   local certfile="${1}"
   local valid_till expires_at now remaining_days

   if [[ ! -e "${certfile}" ]]; then
     return 0
   fi

   valid_till="$("${OPENSSL}" x509 -enddate -noout -in "${certfile}" | cut -d= -f2-)"
-  expires_at="$(date -d "${valid_till}" +%s)"
-  now="$(date +%s)"
+  expires_at="$(TZ=UTC date -u -d "${valid_till}" +%s)"
+  now="$(date -u +%s)"
   remaining_days=$(( (expires_at - now) / 86400 ))
   [[ "${remaining_days}" -lt "${RENEW_DAYS}" ]]
 }
""", say="Both sides of the expiry check are read as UTC now, so the remaining days don't drift by one on hosts set to a local time zone, and certs aren't renewed early."),
]
