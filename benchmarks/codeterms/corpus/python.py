"""Python notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES = [
    note("py-whisper-nospeech", "openai/whisper", "whisper/transcribe.py", r"""
 def transcribe(model, audio, *, temperature=(0.0, 0.2), no_speech_threshold=0.6, logprob_threshold=-1.0):
     decode_options = dict(language=None)
     mel = log_mel_spectrogram(audio)
     seek = 0
     all_segments = []
     while seek < mel.shape[-1]:
         segment = pad_or_trim(mel[:, seek:], N_FRAMES)
         result = decode_with_fallback(segment)
-        if result.no_speech_prob > no_speech_threshold:
+        should_skip = result.no_speech_prob > no_speech_threshold
+        if should_skip and result.avg_logprob > logprob_threshold:
+            should_skip = False
+        if should_skip:
             seek += segment.shape[-1]
             continue
         all_segments.append(result)
         seek += segment.shape[-1]
     return all_segments
""", say="A segment is only skipped when the {no speech threshold|no_speech_threshold} is passed and the average log probability is low too, so {should skip|should_skip} checks both."),
    note("py-whisper-seekclips", "openai/whisper", "whisper/transcribe.py", r"""
 def transcribe(model, audio, *, clip_timestamps="0", verbose=None):
     dtype = torch.float32
     mel = log_mel_spectrogram(audio, padding=N_SAMPLES)
     content_frames = mel.shape[-1] - N_FRAMES
     if isinstance(clip_timestamps, str):
         clip_timestamps = [float(ts) for ts in clip_timestamps.split(",") if ts]
-    seek_points = [0, content_frames]
+    seek_points = [round(ts * FRAMES_PER_SECOND) for ts in clip_timestamps]
+    if len(seek_points) % 2 == 1:
+        seek_points.append(content_frames)
+    seek_clips = list(zip(seek_points[::2], seek_points[1::2]))
     punctuation = "\"'“¿([{-"
     all_tokens = []
     return all_tokens
""", say="The {seek clips|seek_clips} list is built from the {seek points|seek_points}, and an odd number of clip timestamps gets the end of the audio appended."),
    note("py-requests-mime", "psf/requests", "src/requests/models.py", r"""
 class PreparedRequest:
     def prepare_body(self, data, files, json=None):
         body = None
         content_type = None
         if not data and json is not None:
             content_type = "application/json"
             body = complexjson.dumps(json, allow_nan=False)
         is_stream = all([hasattr(data, "__iter__"), not isinstance(data, (str, list, tuple))])
         if is_stream:
             body = data
         else:
             if files:
                 (body, content_type) = self._encode_files(files, data)
-            elif data:
+            elif data and not isinstance(data, bytes):
                 body = self._encode_params(data)
                 content_type = "application/x-www-form-urlencoded"
+            elif data:
+                body = data
+                content_type = "application/octet-stream"
         self.prepare_content_length(body)
""", say="Raw bytes are sent as is now, with {application slash octet stream|application/octet-stream} as the content type instead of being form encoded."),
    note("py-flask-sendfile", "pallets/flask", "src/flask/helpers.py", r"""
 def send_file(path_or_file, mimetype=None, as_attachment=False, download_name=None, max_age=None):
     # Resolve the file name first so the guessed type follows it.
     if download_name is None and isinstance(path_or_file, str):
         download_name = os.path.basename(path_or_file)
     if mimetype is None and download_name is not None:
         mimetype, encoding = mimetypes.guess_type(download_name)
-    if mimetype is None:
-        raise ValueError("Unable to detect the MIME type")
+    if mimetype is None:
+        mimetype = "application/octet-stream"
     headers = Headers()
     if as_attachment:
         headers.set("Content-Disposition", "attachment", filename=download_name)
     return _make_response(path_or_file, mimetype, headers, max_age)
""", say="When the type cannot be guessed, {send file|send_file} falls back to {application slash octet-stream|application/octet-stream} instead of raising."),
    note("py-django-firstline", "django/django", "django/core/management/templates.py", r"""
 class TemplateCommand(BaseCommand):
     def handle_template(self, template, subdir):
         if template is None:
             return os.path.join(django.__path__[0], "conf", subdir)
         if template.startswith("file://"):
             template = template[7:]
         expanded_template = os.path.expanduser(template)
         expanded_template = os.path.normpath(expanded_template)
         if os.path.isdir(expanded_template):
             return expanded_template
-        first_line = open(template).readline()
+        with open(template, encoding="utf-8") as fh:
+            first_line = fh.readline().strip()
         if first_line.startswith("#!"):
             raise CommandError("scripts are not templates")
         return first_line
""", say="The template file is opened with UTF eight and closed, and the first line is stripped before we look for a shebang."),
    note("py-pytest-approx", "pytest-dev/pytest", "src/_pytest/python_api.py", r"""
 class ApproxScalar(ApproxBase):
     DEFAULT_ABSOLUTE_TOLERANCE = 1e-12
     DEFAULT_RELATIVE_TOLERANCE = 1e-6

     def __repr__(self) -> str:
         if isinstance(self.expected, complex):
             return str(self.expected)
         try:
             vetted_tolerance = f"{self.tolerance:.1e}"
             if isinstance(self.expected, complex) and self.expected.imag:
                 vetted_tolerance += " ∠ ±180°"
-        except ValueError:
+        except (ValueError, OverflowError):
             vetted_tolerance = "???"
         return f"{self.expected} ± {vetted_tolerance}"
""", say="The repr of an approximate scalar no longer crashes on an {overflow error|OverflowError}, it shows question marks for the {vetted tolerance|vetted_tolerance}."),
    note("py-pytest-nodeid", "pytest-dev/pytest", "src/_pytest/nodes.py", r"""
 class Node:
     def __init__(self, name, parent=None, config=None, session=None, path=None, nodeid=None):
         self.name = name
         self.parent = parent
         if config:
             self.config = config
         else:
             self.config = parent.config
         self.path = path or parent.path
         self.keywords = NodeKeywords(self)
         self.own_markers = []
         if nodeid is not None:
             assert "::()" not in nodeid
             self._nodeid = nodeid
         else:
-            self._nodeid = self.parent.nodeid + "::" + self.name
+            self._nodeid = self.parent.nodeid + "::" + self.name
+            self._nodeid = self._nodeid.replace("\\", "/")
         self._store = Stash()
""", say="Node IDs always use forward slashes now, even on Windows, so test selection is the same everywhere."),
    note("py-httpx-headers", "encode/httpx", "httpx/_models.py", r"""
 class Headers(typing.MutableMapping[str, str]):
     def __init__(self, headers=None, encoding=None):
         self._list = []
         if isinstance(headers, Headers):
             self._list = list(headers._list)
         elif isinstance(headers, Mapping):
             for k, v in headers.items():
                 bytes_key = _normalize_header_key(k, encoding)
                 bytes_value = _normalize_header_value(v, encoding)
                 self._list.append((bytes_key, bytes_key.lower(), bytes_value))
         elif headers is not None:
             for k, v in headers:
-                self._list.append((k, k.lower(), v))
+                bytes_key = _normalize_header_key(k, encoding)
+                bytes_value = _normalize_header_value(v, encoding)
+                self._list.append((bytes_key, bytes_key.lower(), bytes_value))
         self._encoding = encoding
""", say="Headers given as a list of pairs are normalized too, through {normalize header key|_normalize_header_key} and {normalize header value|_normalize_header_value}."),
    note("py-click-envvar", "pallets/click", "src/click/core.py", r"""
 class Option(Parameter):
     def resolve_envvar_value(self, ctx):
         rv = super().resolve_envvar_value(ctx)
         if rv is not None:
             return rv
         if (
             self.allow_from_autoenv
             and ctx.auto_envvar_prefix is not None
             and self.name is not None
         ):
-            envvar = f"{ctx.auto_envvar_prefix}_{self.name}"
+            envvar = f"{ctx.auto_envvar_prefix}_{self.name.upper()}"
             rv = os.environ.get(envvar)
             if rv:
                 return rv
         return None
""", say="The automatic environment variable name is upper cased in {resolve envvar value|resolve_envvar_value}, so lower case option names still find it."),
    note("py-pandas-readcsv", "pandas-dev/pandas", "pandas/io/parsers/readers.py", r"""
 def _refine_defaults_read(dialect, delimiter, engine, sep, on_bad_lines, names, defaults):
     delim_default = defaults["delimiter"]
     kwds = {}
     if dialect is not None:
         kwds["sep_override"] = delimiter is None and (sep is lib.no_default or sep == delim_default)
     if delimiter and (sep is not lib.no_default):
         raise ValueError("Specified a sep and a delimiter; you can only specify one.")
     kwds["names"] = None if names is lib.no_default else names
     if delimiter is None:
         delimiter = sep
-    if delimiter == "\n":
+    if delimiter == "\n" or delimiter == "\r\n":
         raise ValueError("Specified \\n as separator or delimiter. This forces the python engine")
     kwds["delimiter"] = delimiter
     kwds["on_bad_lines"] = on_bad_lines
     return kwds
""", say="A carriage return plus newline is also refused as the delimiter when refining the read defaults."),
    note("py-poetry-lock", "python-poetry/poetry", "src/poetry/installation/installer.py", r"""
 class Installer:
     def _do_install(self) -> int:
         locked_repository = Repository("poetry-locked")
         if self._update:
             if not self._lock and self._locker.is_locked():
                 locked_repository = self._locker.locked_repository()
             self._io.write_line("<info>Updating dependencies</>")
             solver = Solver(self._package, self._pool, self._installed_repository.packages, locked_repository.packages, self._io)
             with solver.provider.use_source_root(source_root=self._env.path.joinpath("src")):
                 ops = solver.solve(use_latest=self._whitelist).calculate_operations()
         else:
             self._io.write_line("<info>Installing dependencies from lock file</>")
-            locked_repository = self._locker.locked_repository()
+            locked_repository = self._locker.locked_repository()
+            if not self._locker.is_fresh():
+                raise ValueError("pyproject.toml changed significantly since poetry.lock was last generated. Run `poetry lock` to fix the lock file.")
         return self._execute(ops)
""", say="Installing from a stale lock file now stops with an error telling you to run poetry lock, checked with {is fresh|is_fresh} on the locker."),
    note("py-fastapi-jsonable", "tiangolo/fastapi", "fastapi/encoders.py", r"""
 def jsonable_encoder(obj, include=None, exclude=None, by_alias=True, exclude_none=False, custom_encoder=None):
     custom_encoder = custom_encoder or {}
     if custom_encoder:
         if type(obj) in custom_encoder:
             return custom_encoder[type(obj)](obj)
     if isinstance(obj, BaseModel):
         obj_dict = _model_dump(obj, mode="json", include=include, exclude=exclude, by_alias=by_alias)
         if "__root__" in obj_dict:
             obj_dict = obj_dict["__root__"]
         return jsonable_encoder(obj_dict, exclude_none=exclude_none)
-    if isinstance(obj, Enum):
+    if dataclasses.is_dataclass(obj):
+        obj_dict = dataclasses.asdict(obj)
+        return jsonable_encoder(obj_dict, exclude_none=exclude_none)
+    if isinstance(obj, Enum):
         return obj.value
     return obj
""", say="Dataclasses are encoded too: {jsonable encoder|jsonable_encoder} turns them into a dictionary with {dataclasses dot as dict|dataclasses.asdict} and recurses."),
    note("py-black-magic", "psf/black", "src/black/linegen.py", r"""
 class LineGenerator(Visitor[Line]):
     def visit_default(self, node: LN) -> Iterator[Line]:
         if isinstance(node, Leaf):
             any_open_brackets = self.current_line.bracket_tracker.any_open_brackets()
             if any_open_brackets:
                 node.prefix = ""
             if self.mode.string_normalization and node.type == token.STRING:
                 node.value = normalize_string_prefix(node.value)
                 node.value = normalize_string_quotes(node.value)
             if node.type == token.NUMBER:
                 normalize_numeric_literal(node)
-            if node.type not in WHITESPACE:
+            if node.type not in WHITESPACE and not self.mode.skip_magic_trailing_comma:
                 self.current_line.append(node)
         yield from super().visit_default(node)
""", say="{Visit default|visit_default} respects {skip magic trailing comma|skip_magic_trailing_comma} from the mode before appending the leaf."),
    note("py-sphinx-docs", "sphinx-doc/sphinx", "sphinx/util/docstrings.py", r"""
 def prepare_docstring(s: str, tabsize: int = 8) -> list[str]:
     lines = s.expandtabs(tabsize).splitlines()
     # Find minimum indentation of any non-blank lines after the first.
     margin = sys.maxsize
     for line in lines[1:]:
         content = len(line.lstrip())
         if content:
             indent = len(line) - content
             margin = min(margin, indent)
     # Remove the indentation from the first line.
     if len(lines):
-        lines[0] = lines[0].lstrip()
+        lines[0] = lines[0].lstrip()
+    while lines and not lines[-1]:
+        lines.pop()
     if margin < sys.maxsize:
         for i in range(1, len(lines)):
             lines[i] = lines[i][margin:]
     return lines
""", say="Trailing blank lines of a docstring are dropped now, after the first line loses its indentation."),
    note("py-fasterwhisper-vad", "SYSTRAN/faster-whisper", "faster_whisper/transcribe.py", r"""
 class WhisperModel:
     def transcribe(self, audio, language=None, vad_filter=False, vad_parameters=None, clip_timestamps="0"):
         sampling_rate = self.feature_extractor.sampling_rate
         if not isinstance(audio, np.ndarray):
             audio = decode_audio(audio, sampling_rate=sampling_rate)
         duration = audio.shape[0] / sampling_rate
         duration_after_vad = duration
         if vad_filter and clip_timestamps == "0":
             if vad_parameters is None:
                 vad_parameters = VadOptions()
-            speech_chunks = get_speech_timestamps(audio, vad_parameters)
+            speech_chunks = get_speech_timestamps(audio, vad_parameters)
+            audio_chunks, chunks_metadata = collect_chunks(audio, speech_chunks)
+            audio = np.concatenate(audio_chunks, axis=0)
             duration_after_vad = audio.shape[0] / sampling_rate
         return self._transcribe(audio, duration, duration_after_vad)
""", say="With the VAD filter on, the {speech chunks|speech_chunks} go through {collect chunks|collect_chunks}, which also returns the {chunks metadata|chunks_metadata} used to restore timestamps."),
    note("py-mypy-plain", "python/mypy", "mypy/messages.py", r"""
 class MessageBuilder:
     def incompatible_argument(self, n, m, callee, arg_type, arg_kind, object_type, context, outer_context):
         arg_type = get_proper_type(arg_type)
         target = ""
         callee_name = callable_name(callee)
         if callee_name is not None:
             name = callee_name
             if object_type is not None:
                 base = format_type(object_type, self.options)
                 target = f" of {base}"
         arg_type_str, callee_type_str = format_type_distinctly(arg_type, callee.arg_types[n - 1], options=self.options)
-        msg = f"Argument {n}{target} has incompatible type {arg_type_str}; expected {callee_type_str}"
+        msg = f'Argument {n}{target} has incompatible type {arg_type_str}; expected "{callee_type_str}"'
         self.fail(msg, context, code=codes.ARG_TYPE)
         return codes.ARG_TYPE
""", say="The expected type in the incompatible argument message is quoted now, like the actual type before it."),
    note("py-rich-snip", "Textualize/rich", "rich/text.py", r"""
 class Text(JupyterMixin):
     def truncate(self, max_width: int, *, overflow=None, pad: bool = False) -> None:
         _overflow = overflow or self.overflow or DEFAULT_OVERFLOW
         if _overflow != "ignore":
             length = cell_len(self.plain)
             if length > max_width:
                 if _overflow == "ellipsis":
                     self.plain = set_cell_size(self.plain, max_width - 1) + "…"
                 else:
                     self.plain = set_cell_size(self.plain, max_width)
-        if pad and length < max_width:
+        if pad and length < max_width:
+            spaces = max_width - length
+            self._text = [f"{self.plain}{' ' * spaces}"]
             self._length = len(self.plain)
""", say="Truncate with pad set now fills the text out to {max width|max_width} with spaces instead of only fixing the length."),
    note("py-attrs-slots", "python-attrs/attrs", "src/attr/_make.py", r"""
 class _ClassBuilder:
     def _create_slots_class(self):
         cd = {
             k: v
             for k, v in self._cls_dict.items()
             if k not in (*tuple(self._attr_names), "__dict__", "__weakref__")
         }
         if not self._wrote_own_setattr:
             cd["__attrs_own_setattr__"] = False
             if not self._has_custom_setattr:
                 for base_cls in self._cls.__bases__:
                     if base_cls.__dict__.get("__attrs_own_setattr__", False):
                         cd["__setattr__"] = _OBJ_SETATTR
                         break
-        names = self._attr_names
+        names = self._attr_names
+        if self._cache_hash:
+            names += ("__weakref__",)
         slot_names = [name for name in names if name not in base_names]
         return slot_names
""", say="Slotted classes that cache their hash also get a weak ref slot, added in {create slots class|_create_slots_class}."),
    note("py-scrapy-plain", "scrapy/scrapy", "scrapy/downloadermiddlewares/retry.py", r"""
 def get_retry_request(request, *, spider, reason="unspecified", max_retry_times=None, priority_adjust=None):
     settings = spider.crawler.settings
     stats = spider.crawler.stats
     retry_times = request.meta.get("retry_times", 0) + 1
     if max_retry_times is None:
         max_retry_times = request.meta.get("max_retry_times")
         if max_retry_times is None:
             max_retry_times = settings.getint("RETRY_TIMES")
     if retry_times <= max_retry_times:
         new_request = request.copy()
         new_request.meta["retry_times"] = retry_times
-        new_request.dont_filter = True
+        new_request.dont_filter = True
+        stats.inc_value("retry/count")
         return new_request
     stats.inc_value("retry/max_reached")
     return None
""", say="Every retry is counted in the stats now, not only the ones that give up."),
    note("py-celery-eta", "celery/celery", "celery/app/base.py", r"""
 class Celery:
     def send_task(self, name, args=None, kwargs=None, countdown=None, eta=None, expires=None, **options):
         parent = have_parent = None
         amqp = self.amqp
         task_id = task_id or uuid()
         producer = producer or publisher
         router = router or amqp.router
         conf = self.conf
         if conf.task_always_eager:
             warnings.warn(AlwaysEagerIgnored("task_always_eager has no effect on send_task"), stacklevel=2)
-        if countdown:
-            eta = self.now() + timedelta(seconds=countdown)
+        if countdown is not None:
+            eta = maybe_make_aware(self.now() + timedelta(seconds=countdown))
         options = router.route(options, name, args, kwargs)
         return self.AsyncResult(task_id)
""", say="A countdown of zero counts now, and the computed eta is made timezone aware with {maybe make aware|maybe_make_aware}."),
]
