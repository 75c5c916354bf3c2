"""Batch-2 notes, rust (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES: list[dict] = [
    note("b2-rs-bat-tab-width", "sharkdp/bat", "src/printer.rs", r"""
 impl<'a> InteractivePrinter<'a> {
     fn preprocess_line(&self, line: &str, cursor: &mut usize) -> String {
         let config = self.config;
         if config.show_nonprintable {
             return replace_nonprintable(line, config.tab_width);
         }
-        if config.tab_width > 0 {
-            expand_tabs(line, config.tab_width, cursor)
-        } else {
-            line.to_string()
-        }
+        // A tab width of zero means "use the terminal default", not "keep tabs".
+        let tab_width = if config.tab_width == 0 { DEFAULT_TAB_WIDTH } else { config.tab_width };
+        expand_tabs(line, tab_width, cursor)
     }
 }
""", say="A configured {tab width|tab_width} of zero now falls back to the default of four, so {expand tabs|expand_tabs} always runs instead of leaving raw tabs in the output."),

    note("b2-rs-fd-min-depth", "sharkdp/fd", "src/walk.rs", r"""
 fn spawn_senders(config: &Config, quit_flag: &AtomicBool, parallel_walker: WalkParallel, tx: Sender<WorkerResult>) {
     parallel_walker.run(|| {
         let config = config;
         let tx_thread = tx.clone();
         Box::new(move |entry| {
             if quit_flag.load(Ordering::Relaxed) {
                 return WalkState::Quit;
             }
             let entry = match entry {
                 Ok(e) if e.depth() == 0 => return WalkState::Continue,
                 Ok(e) => DirEntry::normal(e),
                 Err(err) => return handle_walk_error(err, &tx_thread),
             };
+            if let Some(min_depth) = config.min_depth {
+                if entry.depth().map_or(true, |d| d < min_depth) {
+                    return WalkState::Continue;
+                }
+            }
             send_result(&tx_thread, entry)
         })
     });
 }
""", say="Entries shallower than the minimum depth are skipped but the walk still goes into them, so results deeper down are still found."),

    note("b2-rs-ra-keyword-hover", "rust-lang/rust-analyzer", "crates/ide/src/hover.rs", r"""
 pub(crate) fn hover(
     db: &RootDatabase,
     frange: FileRange,
     config: &HoverConfig,
 ) -> Option<RangeInfo<HoverResult>> {
     let sema = &hir::Semantics::new(db);
     let file = sema.parse(frange.file_id).syntax().clone();
     let token = pick_best_token(file.token_at_offset(frange.range.start()), token_priority)?;
+    if token.kind().is_keyword() {
+        if let Some(res) = keyword_hover(sema, config, &token) {
+            return Some(RangeInfo::new(token.text_range(), res));
+        }
+    }
     let descended = sema.descend_into_macros(token.clone());
     hover_for_descended(sema, config, &descended, frange)
 }
+
+fn keyword_hover(sema: &Semantics<'_, RootDatabase>, config: &HoverConfig, token: &SyntaxToken) -> Option<HoverResult> {
+    let docs = render::keyword(sema, config, token)?;
+    Some(HoverResult { markup: docs, actions: Vec::new() })
+}
""", say="I added {keyword hover|keyword_hover}, and hover now tries it first when the token under the cursor is a keyword, before descending into macros."),

    note("b2-rs-hyper-close-delimited", "hyperium/hyper", "src/proto/h1/role.rs", r"""
 impl Http1Transaction for Client {
     fn parse(buf: &mut BytesMut, ctx: ParseContext<'_>) -> ParseResult<StatusCode> {
         let (len, status, version, headers) = parse_status_line(buf)?;
         let mut keep_alive = version == Version::HTTP_11;
         let mut content_length = None;
         for header in headers.iter() {
             if header.name == header::CONTENT_LENGTH {
                 content_length = header::content_length_parse(&header.value);
             }
         }
         let decoder = match content_length {
             Some(n) => Decoder::length(n),
-            None => Decoder::eof(),
+            None => {
+                // The body ends when the server closes the socket, so it can't be reused.
+                keep_alive = false;
+                Decoder::eof()
+            }
         };
         ctx.cache_headers.take();
         Ok(Some(ParsedMessage { head: status, decode: decoder, keep_alive, len }))
     }
 }
""", say="We no longer keep the connection alive after a response without a content length, since that body only ends when the server closes the socket."),

    note("b2-rs-diesel-cli-config", "diesel-rs/diesel", "diesel_cli/src/config.rs", r"""
 impl Config {
     pub fn file_path(matches: &ArgMatches) -> PathBuf {
         if let Some(path) = matches.get_one::<PathBuf>("CONFIG_FILE") {
             return path.clone();
         }
         if let Ok(path) = env::var("DIESEL_CONFIG_FILE") {
             return PathBuf::from(path);
         }
-        find_project_root().unwrap_or_default().join("diesel.toml")
+        let mut dir = env::current_dir().unwrap_or_default();
+        loop {
+            let candidate = dir.join("diesel.toml");
+            if candidate.exists() || dir.join("Cargo.toml").exists() || !dir.pop() {
+                return candidate;
+            }
+        }
     }
 }
""", say="The CLI now walks up the parent directories looking for {diesel dot toml|diesel.toml}, and it stops at the first directory that has a {cargo dot toml|Cargo.toml}."),

    note("b2-rs-sqlx-acquire-timeout", "launchbadge/sqlx", "sqlx-core/src/pool/inner.rs", r"""
 impl<DB: Database> PoolInner<DB> {
     pub(super) async fn acquire(self: &Arc<Self>) -> Result<Floating<DB, Live<DB>>, Error> {
         if self.is_closed() {
             return Err(Error::PoolClosed);
         }
         let deadline = Instant::now() + self.options.acquire_timeout;
         crate::rt::timeout(self.options.acquire_timeout, async {
             loop {
-                let permit = match self.try_acquire_permit() {
-                    Some(permit) => permit,
-                    None => return Err(Error::PoolTimedOut),
-                };
+                let permit = self.semaphore.acquire(1).await;
                 if let Some(idle) = self.pop_idle(permit) {
                     return Ok(idle.into_live());
                 }
                 return self.connect(deadline).await;
             }
         })
         .await
         .map_err(|_| Error::PoolTimedOut)?
     }
 }
""", say="When the pool is full we now wait on the semaphore until the {acquire timeout|acquire_timeout} runs out, instead of {try acquire permit|try_acquire_permit} failing straight away."),

    note("b2-rs-actix-header-limit", "actix/actix-web", "actix-http/src/h1/decoder.rs", r"""
 impl MessageType for Request {
     fn decode(src: &mut BytesMut, config: &ServiceConfig) -> Result<Option<(Self, PayloadType)>, ParseError> {
         let mut headers: [HeaderIndex; MAX_HEADERS] = EMPTY_HEADER_INDEX_ARRAY;
         let (len, method, uri, version, header_count) = {
             let mut parsed = [httparse::EMPTY_HEADER; MAX_HEADERS];
             let mut req = httparse::Request::new(&mut parsed);
             match req.parse(src)? {
                 httparse::Status::Complete(len) => {
                     let method = Method::from_bytes(req.method.unwrap().as_bytes())?;
                     HeaderIndex::record(src, req.headers, &mut headers);
                     (len, method, req.path.unwrap(), req.version.unwrap(), req.headers.len())
                 }
-                httparse::Status::Partial => return Ok(None),
+                httparse::Status::Partial => {
+                    if src.len() >= MAX_BUFFER_SIZE {
+                        trace!("request head is too large, closing connection");
+                        return Err(ParseError::TooLarge);
+                    }
+                    return Ok(None);
+                }
             }
         };
         Ok(Some(Self::build(method, uri, version, &headers[..header_count], len)))
     }
 }
""", say="If the request head is still incomplete after the buffer has grown past its limit, we now give up with a too large error instead of waiting forever."),

    note("b2-rs-rayon-min-len", "rayon-rs/rayon", "src/iter/plumbing/mod.rs", r"""
 impl LengthSplitter {
     fn new(min: usize, max: usize, len: usize) -> LengthSplitter {
         let mut splitter = LengthSplitter { inner: Splitter::new(), min: cmp::max(min, 1) };
         let min_splits = len / cmp::max(max, 1);
         if min_splits > splitter.inner.splits {
             splitter.inner.splits = min_splits;
         }
         splitter
     }

     #[inline]
     fn try_split(&mut self, len: usize, migrated: bool) -> bool {
         let LengthSplitter { ref mut inner, min } = *self;
         if migrated {
             // A stolen job resets the budget so the thief can split again.
             inner.splits = cmp::max(crate::current_num_threads(), inner.splits / 2);
         }
-        inner.try_split(migrated)
+        // Never produce halves shorter than the caller's `with_min_len`.
+        len / 2 >= min && inner.try_split(migrated)
     }
 }
""", say="{Length splitter|LengthSplitter} no longer splits when half the length would be shorter than the minimum, so {with min len|with_min_len} is respected even after work is stolen."),

    note("b2-rs-tracing-no-color", "tokio-rs/tracing", "tracing-subscriber/src/fmt/fmt_layer.rs", r"""
 impl<S> Default for Layer<S> {
     fn default() -> Self {
         let fmt_fields = format::DefaultFields::default();
         let fmt_event = format::Format::default();
         let fmt_span = format::FmtSpan::NONE;
         let make_writer = io::stdout;
-        let ansi = cfg!(feature = "ansi");
+        // Respect https://no-color.org unless the user calls `with_ansi` explicitly.
+        let ansi = cfg!(feature = "ansi") && env::var("NO_COLOR").map_or(true, |v| v.is_empty());
         Layer {
             fmt_fields,
             fmt_event,
             fmt_span,
             make_writer,
             is_ansi: ansi,
             log_internal_errors: false,
             _inner: PhantomData,
         }
     }
 }
""", say="The default layer now turns colours off when {no color|NO_COLOR} is set to anything non-empty, but an explicit call to {with ANSI|with_ansi} still wins."),

    note("b2-rs-mdbook-unknown-keys", "rust-lang/mdBook", "src/config.rs", r"""
 impl Config {
     pub fn get_renderer(&self, index: &str) -> Option<&Table> {
         let key = format!("output.{}", index);
         let table = self.get(&key).and_then(Value::as_table)?;
         for (name, value) in table.iter() {
             if value.is_table() {
                 continue;
             }
-            table.get(name);
+            if !KNOWN_OUTPUT_KEYS.contains(&name.as_str()) {
+                warn!("unknown key `{}` in [output.{}] of book.toml, it will be ignored", name, index);
+            }
         }
         Some(table)
     }
 }
""", say="Unknown keys in an output table used to be dropped silently, now we log a warning with the key's name, so typos in the book config actually show up."),
]
