"""Rust notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES = [
    note("rs-ripgrep-snip", "BurntSushi/ripgrep", "crates/printer/src/standard.rs", r"""
 impl<'a, M: Matcher, W: WriteColor> StandardImpl<'a, M, W> {
     fn write_line(&self, line: &[u8]) -> io::Result<()> {
         let line = if !self.config().trim_ascii { line } else { trim_ascii(line) };
         self.write(line)?;
         Ok(())
     }

     fn print_snip(&self, line: &[u8], range: Match) -> io::Result<()> {
         let max = self.config().max_columns.unwrap_or(0) as usize;
         let start = range.start();
         let end = range.end();
         let snip_left = start.saturating_sub(max / 2);
-        let snip_right = cmp::min(line.len(), end + max / 2);
+        let snip_right = cmp::min(line.len(), end + max / 2);
+        let snip_left = if snip_right - snip_left < max { snip_right.saturating_sub(max) } else { snip_left };
         self.write(&line[snip_left..snip_right])?;
         self.write_line_term()
     }
 }
""", say="{Print snip|print_snip} widens the window to the left when the match sits near the end, so the {snip left|snip_left} and {snip right|snip_right} widths add up to the max columns."),
    note("rs-ripgrep-plain", "BurntSushi/ripgrep", "crates/searcher/src/line_buffer.rs", r"""
 impl LineBuffer {
     fn fill<A: io::Read>(&mut self, mut rdr: A) -> Result<bool, io::Error> {
         if self.is_eof() {
             return Ok(false);
         }
         self.roll();
         assert_eq!(self.pos, 0);
         loop {
             self.ensure_capacity()?;
             let readlen = rdr.read(self.free_buffer().as_bytes_mut())?;
             if readlen == 0 {
-                self.set_eof();
+                self.set_eof();
+                self.last_lineterm = self.end;
                 return Ok(!self.buffer().is_empty());
             }
             let oldend = self.end;
             self.end += readlen;
         }
     }
 }
""", say="At the end of the file the buffer remembers that the last line ends there, even without a line terminator."),
    note("rs-tokio-sleep", "tokio-rs/tokio", "tokio/src/time/sleep.rs", r"""
 impl Sleep {
     pub fn deadline(&self) -> Instant {
         self.entry.deadline()
     }

     pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
         self.reset_inner(deadline)
     }

     fn reset_inner(self: Pin<&mut Self>, deadline: Instant) {
         let mut me = self.project();
-        me.entry.as_mut().reset(deadline);
+        me.entry.as_mut().reset(deadline, true);
         (*me.inner).deadline = deadline;
         #[cfg(all(tokio_unstable, feature = "tracing"))]
         {
             let _resource_enter = me.inner.ctx.resource_span.enter();
         }
     }
 }
""", say="{Reset inner|reset_inner} asks the timer entry to reregister when the deadline moves."),
    note("rs-serde-untagged", "serde-rs/serde", "serde_derive/src/de.rs", r"""
 fn deserialize_untagged_enum_after(
     params: &Parameters,
     variants: &[Variant],
     cattrs: &attr::Container,
     first_attempt: Option<Expr>,
 ) -> Fragment {
     let attempts = variants
         .iter()
         .filter(|variant| !variant.attrs.skip_deserializing())
         .map(|variant| Expr(deserialize_untagged_variant(params, variant, cattrs, quote!(__deserializer))));
     let attempts = first_attempt.into_iter().chain(attempts);
     let fallthrough_msg = format!("data did not match any variant of untagged enum {}", params.type_name());
-    let fallthrough_msg = cattrs.expecting().unwrap_or(&fallthrough_msg);
+    let fallthrough_msg = cattrs.expecting().unwrap_or(&fallthrough_msg);
+    let private2 = private;
     quote_block! {
         let __content = <_serde::__private::de::Content as _serde::Deserialize>::deserialize(__deserializer)?;
     }
 }
""", say="Untagged enums keep the custom expecting message as the fallthrough message when no variant matches."),
    note("rs-clap-valueparser", "clap-rs/clap", "clap_builder/src/builder/arg.rs", r"""
 impl Arg {
     pub fn get_value_parser(&self) -> &super::ValueParser {
         if let Some(value_parser) = self.value_parser.as_ref() {
             value_parser
         } else {
             static DEFAULT: super::ValueParser = super::ValueParser::string();
             &DEFAULT
         }
     }

     pub(crate) fn _build(&mut self) {
         if self.action.is_none() {
             if self.num_vals == Some(ValueRange::EMPTY) {
-                let action = ArgAction::SetTrue;
+                let action = ArgAction::SetTrue;
+                self.value_parser.get_or_insert_with(|| super::ValueParser::bool());
                 self.action = Some(action);
             }
         }
     }
 }
""", say="A flag that takes no values gets a boolean {value parser|ValueParser} when it is built."),
    note("rs-cargo-plain", "rust-lang/cargo", "src/cargo/ops/cargo_new.rs", r"""
 fn mk(gctx: &GlobalContext, opts: &MkOptions<'_>) -> CargoResult<()> {
     let path = opts.path;
     let name = opts.name;
     let cfg = gctx.get::<CargoNewConfig>("cargo-new")?;
     let mut ignore = IgnoreList::new();
     ignore.push("/target", "^target$", "target");
     if !opts.bin {
         ignore.push("/Cargo.lock", "^Cargo.lock$", "Cargo.lock");
     }
     let vcs = opts.version_control.unwrap_or_else(|| {
         let in_existing_vcs = existing_vcs_repo(path.parent().unwrap_or(path), gctx.cwd());
         if in_existing_vcs { VersionControl::NoVcs } else { VersionControl::Git }
     });
-    init_vcs(path, vcs, gctx)?;
+    init_vcs(path, vcs, gctx)?;
+    write_ignore_file(path, &ignore, vcs)?;
     Ok(())
 }
""", say="New packages get their ignore file written right after the repository is set up."),
    note("rs-alacritty-cursor", "alacritty/alacritty", "alacritty/src/display/cursor.rs", r"""
 impl IntoRects for RenderableCursor {
     fn rects(self, size_info: &SizeInfo, thickness: f32) -> CursorRects {
         let point = self.point();
         let x = point.column.0 as f32 * size_info.cell_width() + size_info.padding_x();
         let y = point.line as f32 * size_info.cell_height() + size_info.padding_y();
         let mut width = size_info.cell_width();
         let height = size_info.cell_height();
         let thickness = (thickness * width).round().max(1.);
         if self.is_wide() {
             width *= 2.;
         }
         match self.shape() {
-            CursorShape::Beam => beam(x, y, height, thickness, self.color()),
+            CursorShape::Beam => beam(x, y, height, thickness, self.color()),
+            CursorShape::HollowBlock => hollow(x, y, width, height, thickness, self.color()),
             CursorShape::Underline => underline(x, y, width, height, thickness, self.color()),
             _ => CursorRects::default(),
         }
     }
 }
""", say="The {hollow block|HollowBlock} cursor shape is drawn with the hollow helper now."),
    note("rs-bevy-plain", "bevyengine/bevy", "crates/bevy_ecs/src/world/mod.rs", r"""
 impl World {
     pub fn despawn(&mut self, entity: Entity) -> bool {
         self.flush();
         if let Some(entity) = self.get_entity_mut(entity) {
             entity.despawn();
             true
         } else {
             warn!("error[B0003]: Could not despawn entity {:?} because it doesn't exist in this World.", entity);
             false
         }
     }

     pub fn clear_trackers(&mut self) {
-        self.removed_components.update();
+        self.removed_components.update();
+        self.last_change_tick = self.increment_change_tick();
     }
 }
""", say="Clearing the trackers also moves the {last change tick|last_change_tick} forward, so old changes are not seen twice."),
    note("rs-deno-snapshot", "denoland/deno", "cli/args/flags.rs", r"""
 fn compile_parse(flags: &mut Flags, matches: &mut ArgMatches) {
     flags.type_check_mode = TypeCheckMode::Local;
     runtime_args_parse(flags, matches, true, false);
     let mut script = matches.remove_many::<String>("script_arg").unwrap();
     let source_file = script.next().unwrap();
     let args = script.collect();
     let output = matches.remove_one::<String>("output");
     let target = matches.remove_one::<String>("target");
     let icon = matches.remove_one::<String>("icon");
     let no_terminal = matches.get_flag("no-terminal");
-    let include = match matches.remove_many::<String>("include") {
+    let include = match matches.remove_many::<String>("include") {
+        Some(f) if f.len() == 0 => vec![],
         Some(f) => f.collect(),
         None => vec![],
     };
     ext_arg_parse(flags, matches);
 }
""", say="{Compile parse|compile_parse} reads the {no terminal|no_terminal} flag and an empty include list is kept empty."),
    note("rs-rustfmt-width", "rust-lang/rustfmt", "src/lists.rs", r"""
 pub(crate) fn write_list<I, T>(items: I, formatting: &ListFormatting<'_>) -> Option<String>
 where
     I: IntoIterator<Item = T> + Clone,
     T: AsRef<ListItem>,
 {
     let tactic = formatting.tactic;
     let sep_len = formatting.separator.len();
     let mut result = String::with_capacity(128);
     let cloned_items = items.clone();
     let mut iter = items.into_iter().enumerate().peekable();
     let mut item_max_width: Option<usize> = None;
     let sep_place = SeparatorPlace::from_tactic(formatting.separator_place, tactic, formatting.separator);
-    let mut prev_item_had_post_comment = false;
+    let mut prev_item_had_post_comment = false;
+    let mut prev_item_is_nested_import = false;
     let mut line_len = 0;
     Some(result)
 }
""", say="{Write list|write_list} remembers whether the previous item was a nested import, in {prev item is nested import|prev_item_is_nested_import}, next to the post comment flag."),
    note("rs-tauri-mime", "tauri-apps/tauri", "crates/tauri/src/protocol/asset.rs", r"""
 pub fn get(scope: &FsScope, window_origin: String, request: Request<Vec<u8>>) -> Result<Response<Cow<'static, [u8]>>, Box<dyn std::error::Error>> {
     let path = percent_encoding::percent_decode(&request.uri().path().as_bytes()[1..])
         .decode_utf8_lossy()
         .to_string();
     let mut resp = Response::builder().header("Access-Control-Allow-Origin", &window_origin);
     if let Err(e) = SafePathBuf::new(path.clone().into()) {
         return resp.status(403).body(Vec::new().into()).map_err(Into::into);
     }
     if !scope.is_allowed(&path) {
         return resp.status(403).body(Vec::new().into()).map_err(Into::into);
     }
-    let mime_type = MimeType::parse(&data, &path);
+    let mime_type = if path.ends_with(".wasm") { "application/wasm".to_string() } else { MimeType::parse(&data, &path) };
     resp = resp.header(CONTENT_TYPE, &mime_type);
     resp.body(data.into()).map_err(Into::into)
 }
""", say="The asset protocol answers wasm files with {application slash wasm|application/wasm} instead of guessing from the bytes."),
    note("rs-nushell-table", "nushell/nushell", "crates/nu-command/src/viewers/table.rs", r"""
 fn handle_table_command(mut input: CmdInput<'_>) -> Result<PipelineData, ShellError> {
     let span = input.data.span().unwrap_or(input.call.head);
     match input.data {
         PipelineData::ByteStream(..) => Ok(input.data),
         PipelineData::Value(Value::Binary { val, .. }, ..) => {
             let bytes = format!("{}\n", nu_pretty_hex::pretty_hex(&val));
             let ctrlc = input.engine_state.ctrlc.clone();
             let exec = ByteStream::read_string(bytes, input.call.head, ctrlc);
             Ok(PipelineData::ByteStream(exec, None))
         }
-        PipelineData::Value(Value::List { vals, .. }, metadata) => {
+        PipelineData::Value(Value::List { vals, .. }, metadata) if !vals.is_empty() => {
             let ctrlc = input.engine_state.ctrlc.clone();
             handle_row_stream(input, ListStream::new(vals.into_iter(), span, ctrlc), metadata)
         }
         _ => Ok(input.data),
     }
 }
""", say="An empty list is no longer drawn as a table, {handle table command|handle_table_command} passes it through."),
    note("rs-helix-plain", "helix-editor/helix", "helix-term/src/commands.rs", r"""
 fn goto_line_end_impl(view: &mut View, doc: &mut Document, movement: Movement) {
     let text = doc.text().slice(..);
     let selection = doc.selection(view.id).clone().transform(|range| {
         let line = range.cursor_line(text);
         let line_start = text.line_to_char(line);
         let pos = graphemes::prev_grapheme_boundary(text, line_end_char_index(&text, line))
             .max(line_start);
-        range.put_cursor(text, pos, movement == Movement::Extend)
+        let pos = if movement == Movement::Extend { line_end_char_index(&text, line) } else { pos };
+        range.put_cursor(text, pos, movement == Movement::Extend)
     });
     doc.set_selection(view.id, selection);
 }
""", say="Extending to the end of a line now takes the whole line, including its last character."),
    note("rs-reqwest-redirect", "seanmonstar/reqwest", "src/async_impl/client.rs", r"""
 impl Future for PendingRequest {
     fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
         loop {
             let res = match self.as_mut().in_flight().poll(cx) {
                 Poll::Ready(Err(e)) => return Poll::Ready(Err(crate::error::request(e))),
                 Poll::Ready(Ok(res)) => res,
                 Poll::Pending => return Poll::Pending,
             };
             if let Some(url) = &self.url {
                 let should_redirect = match res.status() {
-                    StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND => true,
+                    StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND | StatusCode::SEE_OTHER => {
+                        self.body = None;
+                        true
+                    }
                     _ => false,
                 };
             }
         }
     }
 }
""", say="A see other status is followed as a redirect too, and the body is dropped, like for found."),
    note("rs-wasmtime-fuel", "bytecodealliance/wasmtime", "crates/wasmtime/src/runtime/store.rs", r"""
 impl<T> StoreInner<T> {
     pub fn get_fuel(&self) -> Result<u64> {
         anyhow::ensure!(self.engine().tunables().consume_fuel, "fuel is not configured in this store");
         let injected_fuel = unsafe { *self.inner.runtime_limits.fuel_consumed.get() };
         Ok(get_fuel(injected_fuel, self.fuel_reserve))
     }

     pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
         anyhow::ensure!(self.engine().tunables().consume_fuel, "fuel is not configured in this store");
         let injected_fuel = unsafe { &mut *self.inner.runtime_limits.fuel_consumed.get() };
-        set_fuel(injected_fuel, &mut self.fuel_reserve, self.fuel_yield_interval, fuel);
+        set_fuel(injected_fuel, &mut self.fuel_reserve, self.fuel_yield_interval, fuel);
+        self.fuel_reserve = self.fuel_reserve.min(fuel);
         Ok(())
     }
 }
""", say="{Set fuel|set_fuel} never leaves more in the {fuel reserve|fuel_reserve} than was asked for."),
    note("rs-polars-firstline", "pola-rs/polars", "crates/polars-io/src/csv/read/parser.rs", r"""
 pub(super) fn skip_header(input: &[u8], quote_char: Option<u8>, eol_char: u8) -> (&[u8], usize) {
     let mut pos = 0;
     let mut in_quotes = false;
     let quote = quote_char.unwrap_or(b'"');
     for (i, &c) in input.iter().enumerate() {
         if c == quote {
             in_quotes = !in_quotes;
         }
         if c == eol_char && !in_quotes {
             pos = i + 1;
             break;
         }
     }
-    let first_line = &input[..pos];
+    let first_line = &input[..pos];
+    let first_line = first_line.strip_suffix(b"\r\n").unwrap_or(first_line);
     (&input[pos..], first_line.len())
 }
""", say="{Skip header|skip_header} trims a carriage return off the {first line|first_line} variable, so the header length is right for Windows files."),
    note("rs-zed-plain", "zed-industries/zed", "crates/editor/src/movement.rs", r"""
 pub fn previous_word_start(map: &DisplaySnapshot, point: DisplayPoint) -> DisplayPoint {
     let raw_point = point.to_point(map);
     let classifier = map.buffer_snapshot.char_classifier_at(raw_point);
     let mut is_first_iteration = true;
     find_preceding_boundary_display_point(map, point, FindRange::MultiLine, |left, right| {
         if is_first_iteration && classifier.is_punctuation(right) && !classifier.is_punctuation(left) {
             is_first_iteration = false;
             return false;
         }
         is_first_iteration = false;
-        (classifier.kind(left) != classifier.kind(right) && !right.is_whitespace()) || left == '\n'
+        (classifier.kind(left) != classifier.kind(right) && !classifier.is_whitespace(right)) || left == '\n'
     })
 }
""", say="Moving to the previous word start asks the classifier about whitespace, so it agrees with the language settings."),
    note("rs-axum-reject", "tokio-rs/axum", "axum/src/extract/query.rs", r"""
 impl<T> Query<T>
 where
     T: DeserializeOwned,
 {
     pub fn try_from_uri(value: &Uri) -> Result<Self, QueryRejection> {
         let query = value.query().unwrap_or_default();
-        let params = serde_urlencoded::from_str(query)
-            .map_err(FailedToDeserializeQueryString::from_err)?;
+        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
+        let params = serde_path_to_error::deserialize(deserializer)
+            .map_err(FailedToDeserializeQueryString::from_err)?;
         Ok(Query(params))
     }
 }
""", say="{Try from uri|try_from_uri} deserializes through {serde path to error|serde_path_to_error}, so the rejection names the field that failed."),
    note("rs-starship-plain", "starship/starship", "src/modules/git_branch.rs", r"""
 pub fn module<'a>(context: &'a Context) -> Option<Module<'a>> {
     let mut module = context.new_module("git_branch");
     let config = GitBranchConfig::try_load(module.config);
     let truncation_symbol = get_first_grapheme(config.truncation_symbol);
     let len = if config.truncation_length <= 0 {
         log::warn!("\"truncation_length\" should be a positive value, found {}", config.truncation_length);
         std::usize::MAX
     } else {
         config.truncation_length as usize
     };
     let repo = context.get_repo().ok()?;
-    if config.only_attached && repo.open().head_detached().unwrap_or(false) {
+    if config.only_attached && repo.open().head().map_or(true, |h| h.is_detached()) {
         return None;
     }
     Some(module)
 }
""", say="The branch module hides itself when the head cannot be read, not only when it is detached."),
    note("rs-uv-plain", "astral-sh/uv", "crates/uv-resolver/src/resolver/mod.rs", r"""
 impl<InstalledPackages: InstalledPackagesProvider> ResolverState<InstalledPackages> {
     fn choose_version(&self, package: &PubGrubPackage, range: &Range<Version>, pins: &mut FilePins, request_sink: &Sender<Request>) -> Result<Option<ResolverVersion>, ResolveError> {
         match &**package {
             PubGrubPackageInner::Root(_) => Ok(Some(ResolverVersion::Available(MIN_VERSION.clone()))),
             PubGrubPackageInner::Python(_) => {
                 let Some(version) = range.as_singleton() else {
                     return Ok(None);
                 };
                 Ok(Some(ResolverVersion::Available(version.clone())))
             }
-            PubGrubPackageInner::Marker { .. } => Ok(None),
+            PubGrubPackageInner::Marker { .. } => Ok(range.as_singleton().cloned().map(ResolverVersion::Available)),
             _ => Ok(None),
         }
     }
 }
""", say="{Choose version|choose_version} answers a marker package with its single allowed version instead of nothing."),
]
