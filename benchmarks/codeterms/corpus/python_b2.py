"""Batch-2 notes, python (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES: list[dict] = [
    note("b2-py-pip-retry-backoff", "pypa/pip", "src/pip/_internal/network/session.py", r"""
 class PipSession(requests.Session):
     timeout: Optional[int] = None

     def __init__(self, *args, retries=0, cache=None, trusted_hosts=(), index_urls=None, **kwargs):
         super().__init__(*args, **kwargs)
         self.pip_trusted_origins = []
         self.headers["User-Agent"] = user_agent()
         retries = urllib3.Retry(
             total=retries,
             status_forcelist=[500, 502, 503, 520, 527],
-            backoff_factor=0.25,
+            backoff_factor=0.5,
+            backoff_max=MAX_RETRY_WAIT_SECONDS,
         )
         self.mount("https://", HTTPAdapter(max_retries=retries))
         self.mount("http://", InsecureHTTPAdapter(max_retries=retries))
""", say="Downloads that hit a server error now wait a bit longer between retries, and the total wait is capped so a flaky mirror can't stall the install forever."),

    note("b2-py-hass-mqtt-expire", "home-assistant/core", "homeassistant/components/mqtt/sensor.py", r"""
 class MqttSensor(MqttEntity, RestoreSensor):
     _attr_force_update = False
     _expiration_trigger: CALLBACK_TYPE | None = None

     def _update_state(self, msg: ReceiveMessage) -> None:
         if self._expire_after is not None and self._expire_after > 0:
             if self._expiration_trigger:
                 self._expiration_trigger()
-            expiration_at = dt_util.utcnow() + timedelta(seconds=self._expire_after)
-            self._expiration_trigger = async_track_point_in_utc_time(
-                self.hass, self._value_is_expired, expiration_at
-            )
+            self._expired = False
+            self._expiration_trigger = async_call_later(
+                self.hass, self._expire_after, self._value_is_expired
+            )
         payload = self._template(msg.payload, PayloadSentinel.DEFAULT)
         if payload is PayloadSentinel.DEFAULT:
             return
         self._attr_native_value = payload
""", say="Each new message clears the {expired|_expired} flag and restarts the timer with {async call later|async_call_later}, so a sensor whose value expired after the timeout comes back straight away."),

    note("b2-py-numpy-pad-mode-error", "numpy/numpy", "numpy/lib/_arraypad_impl.py", r"""
 def pad(array, pad_width, mode='constant', **kwargs):
     array = np.asarray(array)
     pad_width = np.asarray(pad_width)
     if not pad_width.dtype.kind == 'i':
         raise TypeError('pad_width must be of integral type.')
     allowed_kwargs = {
         'empty': [], 'edge': [], 'wrap': [],
         'constant': ['constant_values'],
         'linear_ramp': ['end_values'],
         'reflect': ['reflect_type'],
     }
     try:
         unsupported_kwargs = set(kwargs) - set(allowed_kwargs[mode])
     except KeyError:
-        raise ValueError(f"mode '{mode}' is not supported")
+        raise ValueError(
+            f"mode '{mode}' is not supported, expected one of {sorted(allowed_kwargs)}"
+        ) from None
     if unsupported_kwargs:
         raise ValueError(f"unsupported keyword arguments for mode '{mode}': {unsupported_kwargs}")
""", say="An unsupported mode now lists the allowed modes in the error message, sorted, and the original key error is hidden from the traceback."),

    note("b2-py-sklearn-stratified-warning", "scikit-learn/scikit-learn", "sklearn/model_selection/_split.py", r"""
 class StratifiedKFold(_BaseKFold):
     def _make_test_folds(self, X, y=None):
         rng = check_random_state(self.random_state)
         y = np.asarray(y)
         y_encoded = np.unique(y, return_inverse=True)[1]
         n_classes = int(y_encoded.max()) + 1
         y_counts = np.bincount(y_encoded)
-        min_groups = np.min(y_counts)
-        if np.all(self.n_splits > y_counts):
+        least_populated = int(np.min(y_counts))
+        if self.n_splits > np.max(y_counts):
             raise ValueError(
                 f"n_splits={self.n_splits} cannot be greater than the"
                 " number of members in each class."
             )
-        if self.n_splits > min_groups:
+        if self.n_splits > least_populated:
             warnings.warn(
-                f"The least populated class in y has only {min_groups} members.",
+                f"The least populated class in y has only {least_populated} members,"
+                f" which is less than n_splits={self.n_splits}.",
                 UserWarning,
             )
""", say="I renamed {min groups|min_groups} to {least populated|least_populated}, and the warning now says how many members the smallest class has compared with {n splits|n_splits}."),

    note("b2-py-pydantic-copy-extra", "pydantic/pydantic", "pydantic/main.py", r"""
 class BaseModel(metaclass=_model_construction.ModelMetaclass):
     def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
         # Return a copy of the model, optionally with some fields replaced.
         copied = self.__deepcopy__() if deep else self.__copy__()
         if update:
-            copied.__dict__.update(update)
+            extra_update: dict[str, Any] = {}
+            for key, value in update.items():
+                if key in type(self).model_fields:
+                    copied.__dict__[key] = value
+                else:
+                    extra_update[key] = value
+            if extra_update and self.model_config.get('extra') == 'allow':
+                copied.__pydantic_extra__ = {**(copied.__pydantic_extra__ or {}), **extra_update}
             copied.__pydantic_fields_set__.update(update.keys())
         return copied
""", say="In {model copy|model_copy}, keys that aren't declared fields now go into {extra update|extra_update} and are dropped unless the config allows extra. Is silently dropping them what we want?"),

    note("b2-py-sqlalchemy-soft-invalidate", "sqlalchemy/sqlalchemy", "lib/sqlalchemy/pool/base.py", r"""
 class _ConnectionRecord(ConnectionPoolEntry):
     def get_connection(self) -> DBAPIConnection:
         recycle = False
         pool = self.__pool
         if self.dbapi_connection is None:
             self.info.clear()
             self.__connect()
         elif pool._recycle > -1 and time.time() - self.starttime > pool._recycle:
             pool.logger.info("Connection %r is older than the recycle limit", self.dbapi_connection)
             recycle = True
-        elif pool._invalidate_time > self.starttime:
+        elif pool._invalidate_time > self.starttime or self._soft_invalidated:
+            self._soft_invalidated = False
             recycle = True
         if recycle:
             self.__close(terminate=True)
             self.info.clear()
             self.__connect()
         return self.dbapi_connection
""", say="A connection that was soft invalidated is now recycled on its next checkout, and {get connection|get_connection} clears the {soft invalidated|_soft_invalidated} flag once it has reconnected."),

    note("b2-py-matplotlib-legend-best", "matplotlib/matplotlib", "lib/matplotlib/legend.py", r"""
 class Legend(Artist):
     def _find_best_position(self, width, height, renderer):
         # Return the x, y of the least crowded legend location.
         bboxes, lines, offsets = self._auto_legend_data()
         bbox = Bbox.from_bounds(0, 0, width, height)
         anchor = self.get_bbox_to_anchor()
         candidates = []
         for idx in range(1, len(self.codes)):
             l, b = self._get_anchored_bbox(idx, bbox, anchor, renderer)
             legend_box = Bbox.from_bounds(l, b, width, height)
             badness = (sum(legend_box.count_contains(offset) for offset in offsets)
                        + legend_box.count_overlaps(bboxes)
                        + sum(line.intersects_bbox(legend_box, filled=False) for line in lines))
+            if badness == 0:
+                # Nothing underneath this spot, no other candidate can beat it.
+                return l, b
             candidates.append((badness, idx, (l, b)))
         _, _, (l, b) = min(candidates)
         return l, b
""", say="The search stops at the first spot with nothing underneath, so the best location is found without scoring every candidate when the plot is mostly empty."),

    note("b2-py-transformers-pad-fallback", "huggingface/transformers", "src/transformers/tokenization_utils_base.py", r"""
 class PreTrainedTokenizerBase(SpecialTokensMixin, PushToHubMixin):
     def _get_padding_truncation_strategies(self, padding=False, truncation=None, max_length=None, **kwargs):
         if padding is True:
             padding_strategy = PaddingStrategy.LONGEST
         elif not isinstance(padding, PaddingStrategy):
             padding_strategy = PaddingStrategy(padding)
         else:
             padding_strategy = padding
         if max_length is None and padding_strategy == PaddingStrategy.MAX_LENGTH:
-            max_length = self.model_max_length
+            if self.model_max_length > LARGE_INTEGER:
+                logger.warning(
+                    "Asked to pad to a maximum length but this tokenizer has none set. "
+                    "Falling back to padding to the longest sequence in the batch."
+                )
+                padding_strategy = PaddingStrategy.LONGEST
+            else:
+                max_length = self.model_max_length
         return padding_strategy, max_length
""", say="When the tokenizer has no real {model max length|model_max_length}, we log a warning and the {padding strategy|padding_strategy} falls back to the longest sequence in the batch."),

    note("b2-py-aiohttp-gzip-type", "aio-libs/aiohttp", "aiohttp/web_fileresponse.py", r"""
 class FileResponse(StreamResponse):
     async def prepare(self, request: "BaseRequest") -> Optional[AbstractStreamWriter]:
         loop = asyncio.get_running_loop()
         accept_encoding = request.headers.get(hdrs.ACCEPT_ENCODING, "").lower()
         file_path, st, file_encoding = await loop.run_in_executor(
             None, self._get_file_path_stat_encoding, accept_encoding
         )
         ct = None
         should_set_ct = False
         if hdrs.CONTENT_TYPE not in self.headers:
-            ct, encoding = mimetypes.guess_type(str(file_path))
+            ct, encoding = mimetypes.guess_type(str(self._path))
             if not ct:
                 ct = "application/octet-stream"
+            elif encoding == "gzip" and file_encoding is None:
+                ct = "application/gzip"
             should_set_ct = True
         return await self._send_file(request, file_path, st, ct, should_set_ct)
""", say="In {web file response dot py|web_fileresponse.py} the type is now guessed from the original path, and a file that's only gzipped on disk is served as {application slash gzip|application/gzip}."),

    note("b2-py-starlette-cors-headers", "encode/starlette", "starlette/middleware/cors.py", r"""
 class CORSMiddleware:
     def preflight_response(self, request_headers: Headers) -> Response:
         requested_origin = request_headers["origin"]
         requested_method = request_headers["access-control-request-method"]
         requested_headers = request_headers.get("access-control-request-headers")
         headers = dict(self.preflight_headers)
         failures = []
         if not self.is_allowed_origin(origin=requested_origin):
             failures.append("origin")
         if requested_method not in self.allow_methods:
             failures.append("method")
         if self.allow_all_headers and requested_headers is not None:
             headers["Access-Control-Allow-Headers"] = requested_headers
         elif requested_headers is not None:
-            for header in [h.lower() for h in requested_headers.split(",")]:
-                if header.strip() not in self.allow_headers:
+            for header in [h.strip().lower() for h in requested_headers.split(",") if h.strip()]:
+                if header not in self.allow_headers:
                     failures.append("headers")
                     break
         if failures:
             return PlainTextResponse("Disallowed CORS " + ", ".join(failures), status_code=400)
         return PlainTextResponse("OK", status_code=200, headers=headers)
""", say="Requested headers are stripped before the lookup now, and an empty entry from a trailing comma no longer counts as a failure in the preflight check."),

    note("b2-py-uvicorn-forwarded-ips", "encode/uvicorn", "uvicorn/config.py", r"""
 class Config:
     def __init__(
         self,
         app: ASGIApplication | Callable[..., Any] | str,
         host: str = "127.0.0.1",
         port: int = 8000,
         proxy_headers: bool = True,
         forwarded_allow_ips: list[str] | str | None = None,
     ):
         self.app = app
         self.host = host
         self.port = port
         self.proxy_headers = proxy_headers
-        if forwarded_allow_ips is None:
-            self.forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
-        else:
-            self.forwarded_allow_ips = forwarded_allow_ips
+        if forwarded_allow_ips is None:
+            forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
+        if isinstance(forwarded_allow_ips, str):
+            forwarded_allow_ips = [ip.strip() for ip in forwarded_allow_ips.split(",") if ip.strip()]
+        self.forwarded_allow_ips = forwarded_allow_ips
""", say="The {forwarded allow IPs|FORWARDED_ALLOW_IPS} environment variable is split on commas here now, so the rest of the config always sees a list of trimmed addresses."),

    note("b2-py-airflow-retry-jitter", "apache/airflow", "airflow/models/taskinstance.py", r"""
 class TaskInstance(Base, LoggingMixin):
     def next_retry_datetime(self):
         # Work out when the next try should start after a failure.
         delay = self.task.retry_delay
         if self.task.retry_exponential_backoff:
             base_seconds = math.ceil(delay.total_seconds() * (2 ** (self.try_number - 2)))
-            delay = timedelta(seconds=base_seconds)
+            # Spread out tasks that failed together so they don't all wake at once.
+            seed = f"{self.dag_id}.{self.task_id}.{self.try_number}"
+            spread = int(hashlib.sha1(seed.encode()).hexdigest(), 16) % base_seconds
+            delay = timedelta(seconds=min(base_seconds + spread, MAX_RETRY_DELAY_SECONDS))
             if self.task.max_retry_delay:
                 delay = min(self.task.max_retry_delay, delay)
         return self.end_date + delay
""", say="Exponential backoff now adds a spread from hashing the {DAG ID|dag_id} and {task ID|task_id}, so tasks that failed together don't all retry in the same second."),

    note("b2-py-ansible-run-command-cwd", "ansible/ansible", "lib/ansible/module_utils/basic.py", r"""
 class AnsibleModule(object):
     def run_command(self, args, check_rc=False, close_fds=True, executable=None, data=None,
                     binary_data=False, cwd=None, environ_update=None, expand_user_and_vars=True):
         if isinstance(args, (list, tuple)):
             args = [to_native(arg, errors='surrogate_or_strict') for arg in args]
         elif isinstance(args, (binary_type, text_type)):
             args = shlex.split(to_text(args, errors='surrogateescape'))
         else:
             self.fail_json(rc=257, cmd=args, msg="Argument 'args' to run_command must be list or string")
         if expand_user_and_vars:
             args = [os.path.expandvars(os.path.expanduser(x)) for x in args if x is not None]
+        if cwd:
+            cwd = os.path.abspath(os.path.expanduser(cwd))
+            if not os.path.isdir(cwd):
+                self.fail_json(rc=31, cmd=args, msg="Provided working directory does not exist: %s" % cwd)
         kwargs = dict(executable=executable, shell=False, close_fds=close_fds, cwd=cwd)
         return self._run_subprocess(args, data, binary_data, check_rc, kwargs)
""", say="The working directory is expanded and checked before we run the command, so a missing folder fails with a clear message instead of an odd subprocess error."),

    note("b2-py-pillow-exif-in-place", "python-pillow/Pillow", "src/PIL/ImageOps.py", r"""
 def exif_transpose(image: Image.Image, *, in_place: bool = False) -> Image.Image | None:
     # Rotate or flip the image to match its EXIF orientation tag.
     image.load()
     image_exif = image.getexif()
     orientation = image_exif.get(ExifTags.Base.Orientation, 1)
     method = {
         2: Image.Transpose.FLIP_LEFT_RIGHT,
         3: Image.Transpose.ROTATE_180,
         6: Image.Transpose.ROTATE_270,
         8: Image.Transpose.ROTATE_90,
     }.get(orientation)
     if method is None:
-        return image.copy()
+        return None if in_place else image.copy()
     transposed_image = image.transpose(method)
     if in_place:
         image.im = transposed_image.im
         image._size = transposed_image._size
+        del image_exif[ExifTags.Base.Orientation]
+        image.info["exif"] = image_exif.tobytes()
+        return None
     return transposed_image
""", say="With {in place|in_place} set, {exif transpose|exif_transpose} now returns nothing even when there's no rotation, and it drops the orientation tag so the image isn't rotated twice."),

    note("b2-py-ytdlp-trim-filename", "yt-dlp/yt-dlp", "yt_dlp/YoutubeDL.py", r"""
 class YoutubeDL:
     def prepare_filename(self, info_dict, dir_type='', *, outtmpl=None, warn=False):
         # Generate the output filename for one download.
         if outtmpl:
             self.report_warning('Passing outtmpl here is deprecated, set the option instead')
         filename = self._prepare_filename(info_dict, tmpl_type=dir_type, outtmpl=outtmpl, warn=warn)
         if not filename:
             return None
+        trim_length = self.params.get('trim_file_name') or 0
+        if trim_length > 0:
+            stem, ext = os.path.splitext(filename)
+            filename = stem[:max(trim_length - len(ext), 1)] + ext
         if dir_type not in ('', 'temp'):
             return filename
         return self.get_output_path(dir_type, filename)
""", say="In {YouTube DL dot py|YoutubeDL.py}, the {trim file name|trim_file_name} option now keeps the extension, so a long title gets cut before the dot rather than losing its suffix."),

    note("b2-py-gunicorn-worker-timeout", "benoitc/gunicorn", "gunicorn/arbiter.py", r"""
 class Arbiter(object):
     def murder_workers(self):
         # Kill workers that stopped reporting in.
         if not self.timeout:
             return
         for (pid, worker) in list(self.WORKERS.items()):
             try:
                 if time.monotonic() - worker.tmp.last_update() <= self.timeout:
                     continue
             except (OSError, ValueError):
                 continue
             if not worker.aborted:
-                self.log.critical("WORKER TIMEOUT (pid:%s)", pid)
+                self.log.critical("WORKER TIMEOUT (pid:%s) after %ss", pid, self.timeout)
                 worker.aborted = True
+                self.cfg.worker_abort(worker)
                 self.kill_worker(pid, signal.SIGABRT)
             else:
+                self.log.error("Worker (pid:%s) ignored SIGABRT, sending SIGKILL", pid)
                 self.kill_worker(pid, signal.SIGKILL)
""", say="When a worker times out we now log how long it was allowed, run the abort hook, and log again if it ignored the first signal before we kill it for good."),

    note("b2-py-mitmproxy-json-suffix", "mitmproxy/mitmproxy", "mitmproxy/contentviews/json.py", r"""
 class ViewJSON(base.View):
     name = "JSON"

     def render_priority(self, data: bytes, *, content_type: str | None = None, **metadata) -> float:
         if not data:
             return 0
         if content_type in (
             "application/json",
             "application/json-rpc",
         ):
             return 1
-        if content_type and content_type.startswith("application/") and content_type.endswith("json"):
-            return 1
+        if content_type and content_type.startswith("application/") and content_type.endswith("+json"):
+            # Structured suffix types, for example application/problem+json.
+            return 1
+        if content_type == "text/plain" and data.lstrip()[:1] in (b"{", b"["):
+            return 0.3
         return 0
""", say="Types like {application slash problem plus json|application/problem+json} still get the JSON view, and {text slash plain|text/plain} bodies that start with a brace get it at a lower priority."),

    note("b2-py-sympy-latex-float", "sympy/sympy", "sympy/printing/latex.py", r"""
 class LatexPrinter(Printer):
     def _print_Float(self, expr):
         # Mirrors the string printer, then formats the exponent for LaTeX.
         dps = prec_to_dps(expr._prec)
         strip = not self._settings['full_prec']
         low = self._settings.get("min")
         high = self._settings.get("max")
         str_real = mlib_to_str(expr._mpf_, dps, strip_zeros=strip, min_fixed=low, max_fixed=high)
-        separator = r" \cdot "
+        separator = self._settings['mul_symbol_latex_numbers']
         if 'e' in str_real:
             (mant, exp) = str_real.split('e')
             if exp[0] == '+':
                 exp = exp[1:]
+            if self._settings['decimal_separator'] == 'comma':
+                mant = mant.replace('.', '{,}')
             return r"%s%s10^{%s}" % (mant, separator, exp)
         return str_real
""", say="{Print float|_print_Float} now honours the {decimal separator|decimal_separator} setting for the mantissa, and the times sign comes from the {mul symbol|mul_symbol_latex_numbers} option."),

    note("b2-py-certbot-renew-early", "certbot/certbot", "certbot/certbot/_internal/renewal.py", r"""
 def should_renew(config: configuration.NamespaceConfig, lineage: storage.RenewableCert) -> bool:
     # True if any of the reasons for an automatic renewal apply.
     if config.renew_by_default:
         logger.debug("Auto-renewal forced with --force-renewal...")
         return True
     if lineage.should_autorenew():
         logger.info("Certificate is due for renewal, auto-renewing...")
         return True
     if config.dry_run:
         logger.info("Certificate not due for renewal, but simulating renewal for dry run")
         return True
+    remaining = lineage.target_expiry - datetime.datetime.now(datetime.timezone.utc)
+    if remaining < datetime.timedelta(days=config.renew_before_expiry_days):
+        logger.info("Certificate expires in %s days, renewing early", remaining.days)
+        return True
     logger.info("Certificate not yet due for renewal")
     return False
""", say="A certificate that expires sooner than the configured number of days is now renewed early, even when the automatic renewal check says it's not due yet."),

    note("b2-py-tornado-samesite-secure", "tornadoweb/tornado", "tornado/web.py", r"""
 class RequestHandler(object):
     def set_cookie(self, name: str, value: Union[str, bytes], domain: Optional[str] = None,
                    expires: Optional[Union[float, Tuple, datetime.datetime]] = None, path: str = "/",
                    expires_days: Optional[float] = None, *, samesite: Optional[str] = None,
                    secure: bool = False, httponly: bool = False, **kwargs: Any) -> None:
         name = escape.native_str(name)
         value = escape.native_str(value)
         if re.search(r"[\x00-\x20]", name + value):
             raise ValueError(f"Invalid cookie {name!r}: {value!r}")
+        if samesite is not None and samesite.lower() == "none" and not secure:
+            raise ValueError("A cookie with SameSite=None must also be marked secure")
         if not hasattr(self, "_new_cookie"):
             self._new_cookie = http.cookies.SimpleCookie()
         self._new_cookie[name] = value
         morsel = self._new_cookie[name]
""", say="{Set cookie|set_cookie} now refuses {same site|samesite} none unless secure is passed too, since browsers silently drop those cookies anyway."),
]
