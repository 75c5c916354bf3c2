"""Batch-3 notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note  # noqa: F401

NOTES: list[dict] = [
    note("b3-py-falcon-cookie-partitioned", "falconry/falcon", "falcon/response.py", r"""
     def set_cookie(
         self,
         name,
         value,
         expires=None,
         max_age=None,
         domain=None,
         path=None,
         secure=None,
         http_only=True,
         same_site=None,
+        partitioned=False,
     ):
         if not is_ascii_encodable(name):
             raise KeyError('name cookie must be ASCII')
 
         self._cookies = self._cookies or http_cookies.SimpleCookie()
         self._cookies[name] = value
 
         if same_site:
             same_site = same_site.lower()
             if same_site not in _RESERVED_SAMESITE_VALUES:
                 raise ValueError("same_site must be 'lax', 'strict' or 'none'")
             self._cookies[name]['samesite'] = same_site.capitalize()
+
+        if partitioned:
+            self._cookies[name]['partitioned'] = True
""", say="I added a {partitioned|partitioned} keyword to {set cookie|set_cookie}; when it's true the morsel gets the extra attribute, and Chrome keeps the cookie in a partitioned jar for sites embedded in an iframe."),
    note("b3-py-sanic-file-default-mime", "sanic-org/sanic", "sanic/response/convenience.py", r"""
 async def file(
     location: Union[str, PurePath],
     status: int = 200,
     mime_type: Optional[str] = None,
     headers: Optional[Dict[str, str]] = None,
     filename: Optional[str] = None,
     max_age: Optional[Union[float, int]] = None,
 ) -> HTTPResponse:
     headers = headers or {}
     if filename:
         headers.setdefault(
             "Content-Disposition", f'attachment; filename="{filename}"'
         )
     if max_age is not None and max_age >= 0:
         headers.setdefault("Cache-Control", f"public, max-age={int(max_age)}")
 
     filename = filename or path.split(location)[-1]
-    mime_type = mime_type or guess_type(filename)[0] or "text/plain"
+    mime_type = mime_type or guess_type(filename)[0] or DEFAULT_HTTP_CONTENT_TYPE
+    if mime_type.startswith("text/") and "charset=" not in mime_type:
+        mime_type = f"{mime_type}; charset=utf-8"
 
     async with await open_async(location, mode="rb") as f:
         out_stream = await f.read()
 
     return HTTPResponse(
         body=out_stream,
         status=status,
         headers=headers,
         content_type=mime_type,
     )
""", say="Files whose type we can't guess used to go out as {text slash plain|text/plain}; now they fall back to {default http content type|DEFAULT_HTTP_CONTENT_TYPE}, and any text type gets {charset equals utf eight|charset=utf-8} on the end so browsers stop sniffing."),
    note("b3-py-typer-envvar-list-help", "fastapi/typer", "typer/core.py", r"""
     def get_help_record(self, ctx: click.Context) -> Optional[Tuple[str, str]]:
         if self.hidden:
             return None
         opts_str = ", ".join(self.opts)
         if self.secondary_opts:
             opts_str += " / " + ", ".join(self.secondary_opts)
         help_text = self.help or ""
         extra: List[str] = []
         if self.show_envvar:
             envvar = self.envvar
             if envvar is None and self.allow_from_autoenv and ctx.auto_envvar_prefix:
                 envvar = f"{ctx.auto_envvar_prefix}_{self.name.upper()}"
             if envvar is not None:
-                extra.append(f"env var: {envvar}")
+                if isinstance(envvar, str):
+                    var_str = envvar
+                else:
+                    var_str = ", ".join(str(name) for name in envvar)
+                extra.append(f"env var: {var_str}")
         if self.required:
             extra.append(_("required"))
         if extra:
             help_text = f"{help_text}  [{'; '.join(extra)}]".strip()
         return opts_str, help_text
""", say="If an option reads from several environment variables, the help used to print a raw Python list. Now {get help record|get_help_record} joins the names with commas, and the fallback built from {auto envvar prefix|auto_envvar_prefix} works the same as before."),
    note("b3-py-precommit-hook-fail-fast", "pre-commit/pre-commit", "pre_commit/commands/run.py", r"""
 def _run_hooks(
         config: dict[str, Any],
         hooks: Sequence[Hook],
         skips: set[str],
         args: argparse.Namespace,
 ) -> int:
     cols = _compute_cols(hooks)
     classifier = Classifier.from_config(
         _all_filenames(args), config['files'], config['exclude'],
     )
     retval = 0
     prior_diff = _get_diff()
     for hook in hooks:
         current_retval, prior_diff = _run_single_hook(
             classifier, hook, skips, cols, prior_diff,
             verbose=args.verbose, use_color=args.color,
         )
         retval |= current_retval
-        if retval and config['fail_fast']:
+        fail_fast = config['fail_fast'] or hook.fail_fast or args.fail_fast
+        if current_retval and fail_fast:
             break
     if retval and args.show_diff_on_failure and prior_diff:
         output.write_line('All changes made by hooks:')
         subprocess.call(('git', '--no-pager', 'diff', '--no-ext-diff'))
     return retval
""", say="Can a single hook stop the run now? Yes: {fail fast|fail_fast} is honoured per hook and from the command line, and we look at {current retval|current_retval}, so an earlier failure no longer stops everything after it."),
    note("b3-py-xarray-rolling-min-periods", "pydata/xarray", "xarray/computation/rolling.py", r"""
     def __init__(
         self,
         obj: T_Xarray,
         windows: Mapping[Any, int],
         min_periods: int | None = None,
         center: bool | Mapping[Any, bool] = False,
     ) -> None:
         self.dim = []
         self.window = []
         for d, w in windows.items():
             self.dim.append(d)
             if w <= 0:
                 raise ValueError("window must be > 0")
             self.window.append(w)
 
         self.center = self._mapping_to_list(center, default=False)
         self.obj = obj
 
-        if min_periods is not None and min_periods <= 0:
-            raise ValueError("min_periods must be greater than zero or None")
+        window_size = math.prod(self.window)
+        if min_periods is not None:
+            if min_periods <= 0:
+                raise ValueError("min_periods must be greater than zero or None")
+            if min_periods > window_size:
+                raise ValueError(
+                    f"min_periods={min_periods} is larger than the window size {window_size}"
+                )
 
-        self.min_periods = (
-            math.prod(self.window) if min_periods is None else min_periods
-        )
+        self.min_periods = window_size if min_periods is None else min_periods
""", say="Asking for {min periods|min_periods} bigger than the window used to hand you all NaNs without a word; now the constructor raises a {value error|ValueError} that says what the window size is."),
    note("b3-py-marshmallow-number-rejects-bool", "marshmallow-code/marshmallow", "src/marshmallow/fields.py", r"""
 class Number(Field):
     num_type = float
     default_error_messages = {
         "invalid": "Not a valid number.",
         "too_large": "Number too large.",
     }
 
     def __init__(self, *, as_string: bool = False, **kwargs):
         self.as_string = as_string
         super().__init__(**kwargs)
 
     def _validated(self, value):
         # Format the value, raising a validation error if it can't be done.
         if value is None:
             return None
+        # bool is a subclass of int, so float(True) would quietly give 1.0
+        if value is True or value is False:
+            raise self.make_error("invalid", input=value)
         try:
             return self._format_num(value)
         except (TypeError, ValueError) as error:
             raise self.make_error("invalid", input=value) from error
         except OverflowError as error:
             raise self.make_error("too_large", input=value) from error
""", say="A number field used to take true and false and turn them into one and zero without complaining. Booleans are rejected now, with the same invalid number message you'd get for a string."),
    note("b3-py-trio-move-on-after-relative", "python-trio/trio", "src/trio/_timeouts.py", r"""
 def move_on_after(
     seconds: float,
     *,
     shield: bool = False,
 ) -> trio.CancelScope:
     # Use as a context manager to create a cancel scope whose deadline
     # is set to now + seconds.
     #
     # Raises ValueError if seconds is negative or NaN.
-    if seconds < 0:
-        raise ValueError("timeout must be non-negative")
-    return move_on_at(trio.current_time() + seconds, shield=shield)
+    if math.isnan(seconds):
+        raise ValueError("timeout must not be NaN")
+    if seconds < 0:
+        raise ValueError("timeout must be non-negative")
+    return trio.CancelScope(
+        shield=shield,
+        relative_deadline=seconds,
+    )
""", say="{move on after|move_on_after} now gives back a {cancel scope|CancelScope} with a {relative deadline|relative_deadline}, so the clock starts when you enter the block, not when you call the function, and a NaN timeout is refused up front."),
    note("b3-py-tox-pass-env-ca-bundle", "tox-dev/tox", "src/tox/tox_env/api.py", r"""
     def _default_pass_env(self) -> list[str]:
         env = [
             "https_proxy",
             "http_proxy",
             "no_proxy",
             "LANG",
             "LANGUAGE",
             "CURL_CA_BUNDLE",
             "SSL_CERT_FILE",
             "CC",
             "CFLAGS",
             "CXX",
             "LD_LIBRARY_PATH",
             "LDFLAGS",
             "HOME",
             "FORCE_COLOR",
             "NO_COLOR",
+            "REQUESTS_CA_BUNDLE",
+            "PIP_*",
         ]
         if sys.stdout.isatty():
             env.append("TERM")
         if sys.platform == "win32":
             env.extend(["SYSTEMROOT", "COMSPEC", "PATHEXT"])
         return env
""", say="We pass {requests c a bundle|REQUESTS_CA_BUNDLE} and every {pip star|PIP_*} variable through by default now, so people behind a corporate proxy don't have to list them in their config for every environment."),
]
