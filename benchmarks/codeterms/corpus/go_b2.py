"""Batch-2 notes, go (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES: list[dict] = [
    note("b2-go-ghcli-checkout-force", "cli/cli", "pkg/cmd/pr/checkout/checkout.go", r"""
 func checkoutRun(opts *CheckoutOptions) error {
 	pr, baseRepo, err := opts.Finder.Find(shared.FindOptions{Selector: opts.SelectorArg})
 	if err != nil {
 		return err
 	}
 	remote, err := baseRemoteFor(opts, baseRepo)
 	if err != nil {
 		return err
 	}
 	remoteBranch := remote.Name + "/" + pr.HeadRefName
 	var cmdQueue [][]string
 	if localBranchExists(opts.GitClient, pr.HeadRefName) {
 		cmdQueue = append(cmdQueue, []string{"checkout", pr.HeadRefName})
-		cmdQueue = append(cmdQueue, []string{"merge", "--ff-only", remoteBranch})
+		if opts.Force {
+			cmdQueue = append(cmdQueue, []string{"reset", "--hard", remoteBranch})
+		} else {
+			cmdQueue = append(cmdQueue, []string{"merge", "--ff-only", remoteBranch})
+		}
 	} else {
 		cmdQueue = append(cmdQueue, []string{"checkout", "-b", pr.HeadRefName, "--track", remoteBranch})
 	}
 	return executeCmds(opts.GitClient, cmdQueue)
 }
""", say="With the force flag, {checkout run|checkoutRun} now does a hard reset to the {remote branch|remoteBranch} instead of a fast-forward merge, so diverged history no longer makes it fail."),
    note("b2-go-bubbletea-window-size", "charmbracelet/bubbletea", "tea.go", r"""
 func (p *Program) eventLoop(model Model, cmds chan Cmd) (Model, error) {
 	for {
 		select {
 		case <-p.ctx.Done():
 			return model, nil
 		case err := <-p.errs:
 			return model, err
 		case msg := <-p.msgs:
 			if msg == nil {
 				continue
 			}
 			switch msg := msg.(type) {
 			case QuitMsg:
 				return model, nil
-			case WindowSizeMsg:
-				p.renderer.repaint()
+			case WindowSizeMsg:
+				p.lastWindowSize = msg
+				p.renderer.resize(msg.Width, msg.Height)
+				p.renderer.repaint()
 			}
 			var cmd Cmd
 			model, cmd = model.Update(msg)
 			cmds <- cmd
 			p.renderer.write(model.View())
 		}
 	}
 }
""", say="The program now keeps the last window size it was told about and hands the width and height to the renderer, so a resize before the first frame isn't lost."),
    note("b2-go-viper-empty-env", "spf13/viper", "viper.go", r"""
 func (v *Viper) find(lcaseKey string, flagDefault bool) any {
 	var (
 		path   = strings.Split(lcaseKey, v.keyDelim)
 		nested = len(path) > 1
 	)
 	if v.automaticEnvApplied {
 		envKey := v.mergeWithEnvPrefix(lcaseKey)
-		if val, ok := v.getEnv(envKey); ok && val != "" {
+		if val, ok := v.getEnv(envKey); ok && (val != "" || v.allowEmptyEnv) {
 			return val
 		}
 		if nested && v.isPathShadowedInAutoEnv(path) != "" {
 			return nil
 		}
 	}
 	envkeys, exists := v.env[lcaseKey]
 	if exists {
 		for _, envkey := range envkeys {
-			if val, ok := v.getEnv(envkey); ok && val != "" {
+			if val, ok := v.getEnv(envkey); ok && (val != "" || v.allowEmptyEnv) {
 				return val
 			}
 		}
 	}
 	return nil
 }
""", say="When {allow empty env|allowEmptyEnv} is on, an environment variable that is set but empty now wins over the config file instead of being skipped by {get env|getEnv}."),
    note("b2-go-chi-throttle-retry", "go-chi/chi", "middleware/throttle.go", r"""
 func (t *throttler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
 	select {
 	case btok := <-t.backlogTokens:
 		timer := time.NewTimer(t.backlogTimeout)
 		defer func() { t.backlogTokens <- btok }()
 		select {
 		case <-timer.C:
+			t.setRetryAfterHeaderIfNeeded(w, false)
 			http.Error(w, errTimedOut, t.statusCode)
 			return
 		case tok := <-t.tokens:
 			defer func() {
 				timer.Stop()
 				t.tokens <- tok
 			}()
 			t.h.ServeHTTP(w, r)
 		}
 	default:
+		t.setRetryAfterHeaderIfNeeded(w, true)
 		http.Error(w, errCapacityExceeded, t.statusCode)
 	}
 }
+
+func (t *throttler) setRetryAfterHeaderIfNeeded(w http.ResponseWriter, backlogFull bool) {
+	if t.retryAfterFn == nil {
+		return
+	}
+	w.Header().Set("Retry-After", strconv.Itoa(int(t.retryAfterFn(backlogFull).Seconds())))
+}
""", say="When the backlog is full or a request times out waiting, the throttler now sets the {retry after|Retry-After} header through {set retry after header if needed|setRetryAfterHeaderIfNeeded}, so clients know when to retry."),
    note("b2-go-echo-attachment-escape", "labstack/echo", "context.go", r"""
 func (c *context) contentDisposition(file, name, dispositionType string) error {
 	fi, err := os.Stat(file)
 	if err != nil {
 		return ErrNotFound
 	}
 	if fi.IsDir() {
 		return ErrNotFound
 	}
-	header := fmt.Sprintf(`%s; filename="%s"`, dispositionType, name)
+	header := fmt.Sprintf(`%s; filename="%s"`, dispositionType, quoteEscaper.Replace(name))
+	if !isASCII(name) {
+		// RFC 5987 form for browsers that understand it
+		header += "; filename*=UTF-8''" + url.PathEscape(name)
+	}
 	c.response.Header().Set(HeaderContentDisposition, header)
 	return c.File(file)
 }
""", say="Quotes in the file name are escaped now, and names with non-ASCII characters get an extra UTF eight form in the header, so browsers save the download under the right name."),
    note("b2-go-zap-sampler-hook", "uber-go/zap", "zapcore/sampler.go", r"""
 func (s *sampler) Check(ent Entry, ce *CheckedEntry) *CheckedEntry {
 	if !s.Enabled(ent.Level) {
 		return ce
 	}
 	if ent.Level >= _minLevel && ent.Level <= _maxLevel {
 		counter := s.counts.get(ent.Level, ent.Message)
 		n := counter.IncCheckReset(ent.Time, s.tick)
 		if n > s.first && (s.thereafter == 0 || (n-s.first)%s.thereafter != 0) {
+			s.hook(ent, LogDropped)
 			return ce
 		}
+		s.hook(ent, LogSampled)
 	}
 	return s.Core.Check(ent, ce)
 }
""", say="The sampler calls its hook for every decision now, with {log dropped|LogDropped} or {log sampled|LogSampled}, so you can count how many messages sampling threw away."),
    note("b2-go-testify-elements-diff", "stretchr/testify", "assert/assertions.go", r"""
 func ElementsMatch(t TestingT, listA, listB interface{}, msgAndArgs ...interface{}) (ok bool) {
 	if h, ok := t.(tHelper); ok {
 		h.Helper()
 	}
 	if isEmpty(listA) && isEmpty(listB) {
 		return true
 	}
 	if !isList(t, listA, msgAndArgs...) || !isList(t, listB, msgAndArgs...) {
 		return false
 	}
 	extraA, extraB := diffLists(listA, listB)
 	if len(extraA) == 0 && len(extraB) == 0 {
 		return true
 	}
-	return Fail(t, fmt.Sprintf("elements differ\nlistA: %#v\nlistB: %#v", listA, listB), msgAndArgs...)
+	return Fail(t, formatListDiff(listA, listB, extraA, extraB), msgAndArgs...)
 }
""", say="{Elements match|ElementsMatch} now prints just the extra elements on each side through {format list diff|formatListDiff}, instead of dumping both whole lists when they differ."),
    note("b2-go-rclone-unknown-size", "rclone/rclone", "fs/operations/operations.go", r"""
 func checkIdentical(ctx context.Context, dst, src fs.Object) (differ bool, noHash bool, err error) {
 	ci := fs.GetConfig(ctx)
 	tr := accounting.Stats(ctx).NewCheckingTransfer(src, "checking")
 	defer func() {
 		tr.Done(ctx, nil)
 	}()
 	if !ci.IgnoreSize {
-		if src.Size() != dst.Size() {
-			fs.Debugf(src, "Sizes differ (src %d vs dst %d)", src.Size(), dst.Size())
+		srcSize, dstSize := src.Size(), dst.Size()
+		if srcSize >= 0 && dstSize >= 0 && srcSize != dstSize {
+			fs.Debugf(src, "Sizes differ (src %d vs dst %d)", srcSize, dstSize)
 			return true, false, nil
 		}
 	}
 	if ci.SizeOnly {
 		return false, false, nil
 	}
 	return checkHashes(ctx, src, dst)
 }
""", say="If either side reports an unknown size, we skip the size comparison and go on to the hash check, instead of saying the files differ."),
    note("b2-go-syncthing-ignore-perms", "syncthing/syncthing", "lib/model/folder.go", r"""
 func (f *folder) scanSubdirs(subDirs []string) error {
 	oldHash := f.ignores.Hash()
 	if err := f.getHealthErrorAndLoadIgnores(); err != nil {
 		return err
 	}
 	f.setState(FolderScanning)
 	defer f.setState(FolderIdle)
 	batch := f.newScanBatch()
 	for res := range f.scanner.Walk(f.ctx, subDirs) {
 		if res.Err != nil {
 			f.newScanError(res.Path, res.Err)
 			continue
 		}
-		if res.File.IsEquivalent(res.Previous, f.modTimeWindow) {
+		if res.File.IsEquivalentOptional(res.Previous, protocol.FileInfoComparison{
+			ModTimeWindow: f.modTimeWindow,
+			IgnorePerms:   f.IgnorePerms,
+			IgnoreBlocks:  true,
+		}) {
 			continue
 		}
 		batch.Append(res.File)
 	}
 	f.ignoresUpdated = oldHash != f.ignores.Hash()
 	return batch.Flush()
 }
""", say="In {scan subdirs|scanSubdirs}, a file whose only change is its mode bits is no longer queued when the folder has {ignore perms|IgnorePerms} set."),
    note("b2-go-gorm-upsert-created-at", "go-gorm/gorm", "callbacks/create.go", r"""
 func onConflictAssignments(stmt *gorm.Statement, values clause.Values) clause.Set {
 	onConflict, _ := stmt.Clauses["ON CONFLICT"].Expression.(clause.OnConflict)
 	if onConflict.DoNothing || len(onConflict.DoUpdates) > 0 {
 		return onConflict.DoUpdates
 	}
 	columns := make([]string, 0, len(values.Columns))
 	for _, column := range values.Columns {
 		field := stmt.Schema.LookUpField(column.Name)
-		if field == nil || field.PrimaryKey {
+		if field == nil || field.PrimaryKey || field.AutoCreateTime > 0 {
 			continue
 		}
 		columns = append(columns, column.Name)
 	}
 	return clause.AssignmentColumns(columns)
 }
""", say="On an upsert conflict we no longer overwrite columns filled by {auto create time|AutoCreateTime}, so the created at value keeps the original insert time."),
    note("b2-go-tailscale-dns-fallback", "tailscale/tailscale", "net/dnscache/dnscache.go", r"""
 func (r *Resolver) LookupIP(ctx context.Context, host string) (ip, v6 netip.Addr, allIPs []netip.Addr, err error) {
 	if ip, err := netip.ParseAddr(host); err == nil {
 		return ip, netip.Addr{}, []netip.Addr{ip}, nil
 	}
 	if ip, ip6, allIPs, ok := r.lookupIPCache(host); ok {
 		return ip, ip6, allIPs, nil
 	}
 	ip, ip6, allIPs, err := r.lookupIPCacheExpired(ctx, host)
 	if err != nil {
-		return netip.Addr{}, netip.Addr{}, nil, err
+		if last, ok := r.lastGood(host); ok && time.Since(last.at) < staleFallbackWindow {
+			r.logf("dnscache: using stale answer for %q after error: %v", host, err)
+			return last.ip, last.ip6, last.all, nil
+		}
+		return netip.Addr{}, netip.Addr{}, nil, err
 	}
 	r.rememberGood(host, ip, ip6, allIPs)
 	return ip, ip6, allIPs, nil
 }
""", say="A lookup that fails now falls back to the last good answer for that host, as long as it's recent, and logs that it used a stale one."),
    note("b2-go-golangci-config-dir", "golangci/golangci-lint", "pkg/config/loader.go", r"""
 func (l *Loader) getConfigSearchPaths() []string {
 	firstArg := "./..."
 	if len(l.args) > 0 {
 		firstArg = l.args[0]
 	}
 	absStartPath, err := filepath.Abs(firstArg)
 	if err != nil {
 		l.log.Warnf("Can't make abs path for %q: %s", firstArg, err)
 		absStartPath = filepath.Clean(firstArg)
 	}
 	var configSearchPaths []string
 	for curDir := absStartPath; ; curDir = filepath.Dir(curDir) {
 		configSearchPaths = append(configSearchPaths, curDir)
 		if curDir == filepath.Dir(curDir) {
 			break
 		}
 	}
-	configSearchPaths = append(configSearchPaths, os.Getenv("HOME"))
+	if home, err := os.UserHomeDir(); err == nil {
+		configSearchPaths = append(configSearchPaths, home)
+	}
+	if dir := os.Getenv("GOLANGCI_LINT_CONFIG_DIR"); dir != "" {
+		configSearchPaths = append([]string{dir}, configSearchPaths...)
+	}
 	return configSearchPaths
 }
""", say="{Get config search paths|getConfigSearchPaths} asks {user home dir|os.UserHomeDir} instead of reading the home variable directly, and a directory in {golangci lint config dir|GOLANGCI_LINT_CONFIG_DIR} is searched first."),
]
