"""Go notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES = [
    note("go-terraform-plan", "hashicorp/terraform", "internal/command/plan.go", r"""
 func (c *PlanCommand) Run(rawArgs []string) int {
 	common, rawArgs := arguments.ParseView(rawArgs)
 	c.View.Configure(common)
 	c.Meta.color = c.Meta.Color
 	args, diags := arguments.ParsePlan(rawArgs)
 	view := views.NewPlan(args.ViewType, c.View)
 	if diags.HasErrors() {
 		view.Diagnostics(diags)
 		view.HelpPrompt()
 		return 1
 	}
-	c.Meta.parallelism = args.Operation.Parallelism
+	c.Meta.parallelism = args.Operation.Parallelism
+	c.Meta.GenerateConfigOut = args.GenerateConfigPath
 	diags = diags.Append(c.providerDevOverrideRuntimeWarnings())
 	return c.RunOperation(args)
 }
""", say="The {plan command|PlanCommand} passes the {generate config path|GenerateConfigPath} argument on to the meta as {generate config out|GenerateConfigOut}."),
    note("go-gin-bind", "gin-gonic/gin", "context.go", r"""
 // ShouldBindWith binds the passed struct pointer using the specified binding engine.
 func (c *Context) ShouldBindWith(obj any, b binding.Binding) error {
 	if c.Request == nil {
 		return errors.New("request is nil")
 	}
 	if obj == nil {
 		return errors.New("object is nil")
 	}
 	if b == nil {
 		return errors.New("binding is nil")
 	}
-	return b.Bind(c.Request, obj)
+	if err := b.Bind(c.Request, obj); err != nil {
+		return fmt.Errorf("bind %s: %w", b.Name(), err)
+	}
+	return nil
 }
""", say="{Should bind with|ShouldBindWith} wraps the error with the binding's name, so you can tell which binding failed."),
    note("go-gin-mime", "gin-gonic/gin", "render/json.go", r"""
 func (r SecureJSON) Render(w http.ResponseWriter) error {
 	r.WriteContentType(w)
 	jsonBytes, err := json.Marshal(r.Data)
 	if err != nil {
 		return err
 	}
 	if bytes.HasPrefix(jsonBytes, bytesconv.StringToBytes("[")) && bytes.HasSuffix(jsonBytes,
 		bytesconv.StringToBytes("]")) {
 		if _, err = w.Write(bytesconv.StringToBytes(r.Prefix)); err != nil {
 			return err
 		}
 	}
-	_, err = w.Write(jsonBytes)
+	_, err = w.Write(jsonBytes)
+	if err == nil && r.Prefix != "" {
+		w.Header().Set("Content-Type", "application/javascript; charset=utf-8")
+	}
 	return err
 }
""", say="{Secure JSON|SecureJSON} with a prefix is served as {application slash javascript|application/javascript} now."),
    note("go-prometheus-vec", "prometheus/client_golang", "prometheus/counter.go", r"""
 func NewCounterVec(opts CounterOpts, labelNames []string) *CounterVec {
 	return V2.NewCounterVec(CounterVecOpts{
 		CounterOpts:    opts,
 		VariableLabels: UnconstrainedLabels(labelNames),
 	})
 }

 func (v2) NewCounterVec(opts CounterVecOpts) *CounterVec {
 	desc := V2.NewDesc(
 		BuildFQName(opts.Namespace, opts.Subsystem, opts.Name),
 		opts.Help,
 		opts.VariableLabels,
 		opts.ConstLabels,
 	)
-	return &CounterVec{MetricVec: NewMetricVec(desc, newCounter)}
+	if opts.now == nil {
+		opts.now = time.Now
+	}
+	return &CounterVec{MetricVec: NewMetricVec(desc, newCounterWithClock(opts.now))}
 }
""", say="{New counter vec|NewCounterVec} defaults the clock to time now and builds counters with {new counter with clock|newCounterWithClock}."),
    note("go-cobra-completion", "spf13/cobra", "completions.go", r"""
 func (c *Command) getCompletions(args []string) (*Command, []string, ShellCompDirective, error) {
 	finalArgs := args[:len(args)-1]
 	toComplete := args[len(args)-1]
 	trimmedArgs := args[:len(args)-1]
 	var finalCmd *Command
 	var err error
 	if c.Root().TraverseChildren {
 		finalCmd, finalArgs, err = c.Root().Traverse(trimmedArgs)
 	} else {
 		finalCmd, finalArgs, err = c.Root().Find(trimmedArgs)
 	}
 	if err != nil {
 		return c, []string{}, ShellCompDirectiveDefault, fmt.Errorf("unable to find a command for arguments: %v", trimmedArgs)
 	}
-	finalCmd.ctx = c.ctx
+	finalCmd.ctx = c.ctx
+	if finalCmd.DisableFlagParsing {
+		return finalCmd, finalArgs, ShellCompDirectiveDefault, nil
+	}
 	return finalCmd, finalArgs, ShellCompDirectiveNoFileComp, nil
 }
""", say="Completion stops early for a command with {disable flag parsing|DisableFlagParsing} and falls back to the default directive."),
    note("go-kubernetes-plain", "kubernetes/kubernetes", "pkg/kubelet/kubelet_pods.go", r"""
 func (kl *Kubelet) makeEnvironmentVariables(pod *v1.Pod, container *v1.Container, podIP string) ([]kubecontainer.EnvVar, error) {
 	var result []kubecontainer.EnvVar
 	var err error
 	if pod.Spec.EnableServiceLinks == nil {
 		return nil, fmt.Errorf("nil pod.spec.enableServiceLinks encountered, cannot construct envvars")
 	}
 	serviceEnv, err := kl.getServiceEnvVarMap(pod.Namespace, *pod.Spec.EnableServiceLinks)
 	if err != nil {
 		return result, err
 	}
 	tmpEnv := make(map[string]string)
 	for _, envFrom := range container.EnvFrom {
-		tmpEnv[envFrom.Prefix] = ""
+		if envFrom.ConfigMapRef == nil && envFrom.SecretRef == nil {
+			continue
+		}
 	}
 	return result, nil
 }
""", say="An env from entry with neither a config map nor a secret is skipped instead of adding an empty variable."),
    note("go-hugo-minify", "gohugoio/hugo", "minifiers/minifiers.go", r"""
 func New(mediaTypes media.Types, outputFormats output.Formats, cfg config.AllProvider) (Client, error) {
 	conf := cfg.GetConfigSection("minify").(MinifyConfig)
 	m := minify.New()
 	addMinifier(m, mediaTypes, "css", getMinifier(conf, "css"))
 	addMinifier(m, mediaTypes, "js", getMinifier(conf, "js"))
 	m.AddRegexp(regexp.MustCompile("^(application|text)/(x-)?(java|ecma)script$"), getMinifier(conf, "js"))
 	addMinifier(m, mediaTypes, "json", getMinifier(conf, "json"))
 	m.AddRegexp(regexp.MustCompile(`^(application|text)/((.+\+)?json|ld\+json)$`), getMinifier(conf, "json"))
 	addMinifier(m, mediaTypes, "svg", getMinifier(conf, "svg"))
-	addMinifier(m, mediaTypes, "xml", getMinifier(conf, "xml"))
+	addMinifier(m, mediaTypes, "xml", getMinifier(conf, "xml"))
+	m.AddRegexp(regexp.MustCompile("^image/svg\\+xml$"), getMinifier(conf, "svg"))
 	return Client{m: m, MinifyOutput: conf.MinifyOutput}, nil
 }
""", say="The {image slash svg plus xml|image/svg+xml} type is minified with the SVG minifier too."),
    note("go-caddy-timeout", "caddyserver/caddy", "modules/caddyhttp/reverseproxy/httptransport.go", r"""
 func (h *HTTPTransport) NewTransport(caddyCtx caddy.Context) (*http.Transport, error) {
 	dialer := &net.Dialer{
 		Timeout:       time.Duration(h.DialTimeout),
 		FallbackDelay: time.Duration(h.FallbackDelay),
 	}
 	if h.Resolver != nil {
 		err := h.Resolver.ParseAddresses()
 		if err != nil {
 			return nil, err
 		}
 	}
 	rt := &http.Transport{
-		ResponseHeaderTimeout: time.Duration(h.ResponseHeaderTimeout),
+		ResponseHeaderTimeout: time.Duration(h.ResponseHeaderTimeout),
+		ExpectContinueTimeout: time.Duration(h.ExpectContinueTimeout),
 		MaxResponseHeaderBytes: h.MaxResponseHeaderSize,
 	}
 	return rt, nil
 }
""", say="The reverse proxy transport passes on {expect continue timeout|ExpectContinueTimeout} as well as the {response header timeout|ResponseHeaderTimeout}."),
    note("go-etcd-lease", "etcd-io/etcd", "server/lease/lessor.go", r"""
 func (le *lessor) Renew(id LeaseID) (int64, error) {
 	le.mu.RLock()
 	if !le.isPrimary() {
 		le.mu.RUnlock()
 		return -1, ErrNotPrimary
 	}
 	demotec := le.demotec
 	l := le.leaseMap[id]
 	if l == nil {
 		le.mu.RUnlock()
 		return -1, ErrLeaseNotFound
 	}
-	clearRemainingTTL := le.cp != nil && l.remainingTTL > 0
+	clearRemainingTTL := le.cp != nil && l.remainingTTL > 0 && le.checkpointPersist
 	le.mu.RUnlock()
 	if l.expired() {
 		return -1, ErrLeaseNotFound
 	}
 	return l.ttl, nil
 }
""", say="Renewing a lease only clears the remaining TTL when {checkpoint persist|checkpointPersist} is on."),
    note("go-moby-plain", "moby/moby", "daemon/logs.go", r"""
 func (daemon *Daemon) ContainerLogs(ctx context.Context, containerName string, config *backend.ContainerLogsOptions) (<-chan *backend.LogMessage, bool, error) {
 	ctr, err := daemon.GetContainer(containerName)
 	if err != nil {
 		return nil, false, err
 	}
 	if ctr.RemovalInProgress || ctr.Dead {
 		return nil, false, errdefs.Conflict(errors.New("can not get logs from container which is dead or marked for removal"))
 	}
 	if ctr.HostConfig.LogConfig.Type == "none" {
 		return nil, false, logger.ErrReadLogsNotSupported{}
 	}
 	cLog, cLogCreated, err := daemon.getLogger(ctr)
-	if err != nil {
+	if err != nil {
+		log.G(ctx).WithError(err).Debug("could not get the container's logger")
 		return nil, false, err
 	}
 	return messages, ctr.Config.Tty, nil
 }
""", say="When the logger cannot be created, the error is also logged at debug level before it is returned."),
    note("go-grpc-retry", "grpc/grpc-go", "stream.go", r"""
 func (a *csAttempt) shouldRetry(err error) (bool, error) {
 	cs := a.cs
 	if cs.finished || cs.committed || a.drop {
 		return false, err
 	}
 	if a.s == nil && a.allowTransparentRetry {
 		return true, nil
 	}
 	unprocessed := false
 	if a.s != nil {
 		<-a.s.Done()
 		unprocessed = a.s.Unprocessed()
 	}
-	if cs.firstAttempt && unprocessed {
+	if cs.firstAttempt && unprocessed && !cs.callInfo.failFast {
 		return true, nil
 	}
 	return false, err
 }
""", say="An unprocessed first attempt is only retried transparently when the call is not fail fast, in {should retry|shouldRetry}."),
    note("go-consul-catalog", "hashicorp/consul", "agent/catalog_endpoint.go", r"""
 func (s *HTTPHandlers) CatalogNodes(resp http.ResponseWriter, req *http.Request) (interface{}, error) {
 	metrics.IncrCounterWithLabels([]string{"client", "api", "catalog_nodes"}, 1, s.nodeMetricsLabels())
 	args := structs.DCSpecificRequest{}
 	if err := s.parseEntMetaPartition(req, &args.EnterpriseMeta); err != nil {
 		return nil, err
 	}
 	args.NodeMetaFilters = s.parseMetaFilter(req)
 	if done := s.parse(resp, req, &args.Datacenter, &args.QueryOptions); done {
 		return nil, nil
 	}
-	s.parseFilter(req, &args.Filter)
+	s.parseFilter(req, &args.Filter)
+	if args.Filter != "" && len(args.NodeMetaFilters) > 0 {
+		return nil, HTTPError{StatusCode: http.StatusBadRequest, Reason: "filter and node-meta cannot be used together"}
+	}
 	var out structs.IndexedNodes
 	return out.Nodes, nil
 }
""", say="{Catalog nodes|CatalogNodes} refuses a filter combined with {node meta filters|NodeMetaFilters} with a bad request."),
    note("go-minio-plain", "minio/minio", "cmd/object-handlers.go", r"""
 func (api objectAPIHandlers) GetObjectHandler(w http.ResponseWriter, r *http.Request) {
 	ctx := newContext(r, w, "GetObject")
 	defer logger.AuditLog(ctx, w, r, mustGetClaimsFromToken(r))
 	objectAPI := api.ObjectAPI()
 	if objectAPI == nil {
 		writeErrorResponse(ctx, w, errorCodes.ToAPIErr(ErrServerNotInitialized), r.URL)
 		return
 	}
 	if crypto.S3.IsRequested(r.Header) || crypto.S3KMS.IsRequested(r.Header) {
 		writeErrorResponse(ctx, w, errorCodes.ToAPIErr(ErrBadRequest), r.URL)
 		return
 	}
-	vars := mux.Vars(r)
+	vars := mux.Vars(r)
+	if vars["object"] == "" {
+		writeErrorResponse(ctx, w, errorCodes.ToAPIErr(ErrInvalidObjectName), r.URL)
+		return
+	}
 	bucket := vars["bucket"]
 }
""", say="Getting an object with an empty name is rejected as an invalid object name before anything else is read."),
    note("go-fzf-snip", "junegunn/fzf", "src/terminal.go", r"""
 func (t *Terminal) printHighlighted(result Result, colBase tui.ColorPair, colMatch tui.ColorPair, current bool, match bool) int {
 	item := result.item
 	text := make([]rune, item.text.Length())
 	copy(text, item.text.ToRunes())
 	offsets := result.colorOffsets(charOffsets, t.theme, colBase, colMatch, current)
 	maxWidth := t.window.Width() - (t.pointerLen + t.markerLen + 1)
 	maxe := 0
 	for _, offset := range charOffsets {
 		maxe = util.Max(maxe, int(offset[1]))
 	}
 	displayWidth := t.displayWidthWithLimit(text, 0, maxWidth)
-	if displayWidth > maxWidth {
+	if displayWidth > maxWidth && t.ellipsis != "" {
+		ellipsisWidth := t.displayWidth([]rune(t.ellipsis))
+		maxWidth -= ellipsisWidth
 	}
 	return displayWidth
 }
""", say="{Print highlighted|printHighlighted} leaves room for the ellipsis: its width, {ellipsis width|ellipsisWidth}, is taken off {max width|maxWidth}."),
    note("go-gitea-avatar", "go-gitea/gitea", "models/user/avatar.go", r"""
 func (u *User) AvatarLinkWithSize(ctx context.Context, size int) string {
 	if u.IsGhost() {
 		return avatars.DefaultAvatarLink()
 	}
 	useLocalAvatar := false
 	autoGenerateAvatar := false
 	disableGravatar := setting.Config().Picture.DisableGravatar.Value(ctx)
 	switch {
 	case u.UseCustomAvatar:
 		useLocalAvatar = true
 	case disableGravatar, setting.OfflineMode:
-		useLocalAvatar = true
+		useLocalAvatar = true
+		autoGenerateAvatar = true
 	}
 	if useLocalAvatar {
 		if u.Avatar == "" && autoGenerateAvatar {
 			return avatars.DefaultAvatarLink()
 		}
 	}
 	return avatars.GenerateEmailAvatarFastLink(ctx, u.AvatarEmail, size)
 }
""", say="With gravatar disabled or in offline mode the avatar is generated automatically, so {auto generate avatar|autoGenerateAvatar} is set along with the local one."),
    note("go-traefik-header", "traefik/traefik", "pkg/middlewares/headers/header.go", r"""
 func (s *Header) processCorsHeaders(rw http.ResponseWriter, req *http.Request) bool {
 	if !s.hasCorsHeaders {
 		return false
 	}
 	reqAcMethod := req.Header.Get("Access-Control-Request-Method")
 	originHeader := req.Header.Get("Origin")
 	if reqAcMethod != "" && originHeader != "" && req.Method == http.MethodOptions {
 		if s.headers.AccessControlAllowCredentials {
 			rw.Header().Set("Access-Control-Allow-Credentials", "true")
 		}
 		allowHeaders := strings.Join(s.headers.AccessControlAllowHeaders, ",")
-		if allowHeaders != "" {
+		if allowHeaders != "" && !s.headers.AccessControlAllowHeadersAny {
 			rw.Header().Set("Access-Control-Allow-Headers", allowHeaders)
 		}
 		return true
 	}
 	return false
 }
""", say="The preflight answer leaves out the allowed headers list when any header is allowed, in {process cors headers|processCorsHeaders}."),
    note("go-cli-plain", "urfave/cli", "flag_string.go", r"""
 func (f *StringFlag) Apply(set *flag.FlagSet) error {
 	if f.EnvVars != nil {
 		for _, envVar := range f.EnvVars {
 			envVar = strings.TrimSpace(envVar)
 			if val, ok := syscall.Getenv(envVar); ok {
 				f.Value = val
 				f.HasBeenSet = true
 				break
 			}
 		}
 	}
 	for _, name := range f.Names() {
-		set.String(name, f.Value, f.Usage)
+		if f.Destination != nil {
+			set.StringVar(f.Destination, name, f.Value, f.Usage)
+			continue
+		}
+		set.String(name, f.Value, f.Usage)
 	}
 	return nil
 }
""", say="A {string flag|StringFlag} with a destination writes its value there, for every one of its names."),
    note("go-vault-ttl", "hashicorp/vault", "vault/token_store.go", r"""
 func (ts *TokenStore) handleCreateCommon(ctx context.Context, req *logical.Request, d *framework.FieldData, orphan bool, role *tsRoleEntry) (*logical.Response, error) {
 	var data struct {
 		TTL             string
 		ExplicitMaxTTL  string `mapstructure:"explicit_max_ttl"`
 		NumUses         int    `mapstructure:"num_uses"`
 		Period          string
 	}
 	if err := mapstructure.WeakDecode(req.Data, &data); err != nil {
 		return logical.ErrorResponse(fmt.Sprintf("error decoding request: %s", err)), logical.ErrInvalidRequest
 	}
-	if data.NumUses < 0 {
+	if data.NumUses < 0 {
+		return logical.ErrorResponse("number of uses cannot be negative"), logical.ErrInvalidRequest
+	}
+	if data.ExplicitMaxTTL != "" && data.Period != "" {
 		return logical.ErrorResponse("explicit_max_ttl and period cannot both be set"), logical.ErrInvalidRequest
 	}
 	return nil, nil
 }
""", say="Creating a token with a negative {num uses|NumUses} is an error now, with its own message."),
    note("go-restic-prune", "restic/restic", "cmd/restic/cmd_prune.go", r"""
 func runPrune(ctx context.Context, opts PruneOptions, gopts GlobalOptions, term *termstatus.Terminal) error {
 	err := verifyPruneOptions(&opts)
 	if err != nil {
 		return err
 	}
 	if opts.RepackUncompressed && gopts.Compression == repository.CompressionOff {
 		return errors.Fatal("disabled compression and `--repack-uncompressed` are mutually exclusive")
 	}
 	repo, err := OpenRepository(ctx, gopts)
 	if err != nil {
 		return err
 	}
-	if repo.Connections() < 2 {
+	if repo.Connections() < 2 && !opts.DryRun {
 		return errors.Fatal("prune requires a backend connection limit of at least two")
 	}
 	return runPruneWithRepo(ctx, opts, gopts, repo, term)
 }
""", say="A dry run prune no longer needs two backend connections; {run prune|runPrune} checks {dry run|DryRun} first."),
]
