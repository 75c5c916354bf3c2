"""Batch-3 notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note  # noqa: F401

NOTES: list[dict] = [
    note("b3-go-nats-max-payload", "nats-io/nats-server", "server/client.go", r"""
 func (c *client) processPub(arg []byte) error {
 	args := splitArg(arg)
 	c.pa.arg = arg
 	switch len(args) {
 	case 2:
 		c.pa.subject = args[0]
 		c.pa.reply = nil
 		c.pa.size = parseSize(args[1])
 		c.pa.szb = args[1]
 	case 3:
 		c.pa.subject = args[0]
 		c.pa.reply = args[1]
 		c.pa.size = parseSize(args[2])
 		c.pa.szb = args[2]
 	default:
 		return fmt.Errorf("processPub Parse Error: %q", arg)
 	}
 	if c.pa.size < 0 {
 		return fmt.Errorf("processPub Bad or Missing Size: %q", arg)
 	}
 	maxPayload := atomic.LoadInt32(&c.mpay)
 	if maxPayload != jwt.NoLimit && int64(c.pa.size) > int64(maxPayload) {
-		c.sendErr("Maximum Payload Violation")
-		return ErrMaxPayload
+		c.maxPayloadViolation(c.pa.size, maxPayload)
+		return ErrMaxPayload
 	}
 	return nil
 }
+
+func (c *client) maxPayloadViolation(sz int, max int32) {
+	c.Errorf("%s: %d vs %d", ErrMaxPayload.Error(), sz, max)
+	c.sendErr("Maximum Payload Violation")
+	c.closeConnection(MaxPayloadExceeded)
+}
""", say="A publish over the max payload used to get an error line back while the connection stayed open. Now {process pub|processPub} goes through {max payload violation|maxPayloadViolation}, which logs both sizes and closes the client with {max payload exceeded|MaxPayloadExceeded}."),
    note("b3-go-pebble-memtable-threshold", "cockroachdb/pebble", "options.go", r"""
 func (o *Options) Validate() error {
 	var buf strings.Builder
 	if o.Experimental.L0CompactionConcurrency < 1 {
 		fmt.Fprintf(&buf, "L0CompactionConcurrency (%d) must be >= 1\n",
 			o.Experimental.L0CompactionConcurrency)
 	}
 	if o.L0StopWritesThreshold < o.L0CompactionThreshold {
 		fmt.Fprintf(&buf, "L0StopWritesThreshold (%d) must be >= L0CompactionThreshold (%d)\n",
 			o.L0StopWritesThreshold, o.L0CompactionThreshold)
 	}
 	if uint64(o.MemTableSize) >= maxMemTableSize {
 		fmt.Fprintf(&buf, "MemTableSize (%s) must be < %s\n",
 			humanize.Bytes.Uint64(uint64(o.MemTableSize)), humanize.Bytes.Uint64(maxMemTableSize))
 	}
-	if o.MemTableStopWritesThreshold < 1 {
-		fmt.Fprintf(&buf, "MemTableStopWritesThreshold (%d) must be >= 1\n",
+	if o.MemTableStopWritesThreshold < 2 {
+		fmt.Fprintf(&buf, "MemTableStopWritesThreshold (%d) must be >= 2\n",
 			o.MemTableStopWritesThreshold)
 	}
+	if o.FormatMajorVersion > internalFormatNewest {
+		fmt.Fprintf(&buf, "FormatMajorVersion (%d) must be <= %d\n",
+			o.FormatMajorVersion, internalFormatNewest)
+	}
 	if buf.Len() == 0 {
 		return nil
 	}
 	return errors.New(buf.String())
 }
""", say="I bumped the minimum {mem table stop writes threshold|MemTableStopWritesThreshold} to two, because with a single memtable every flush stalls writes. {validate|Validate} also rejects a format version newer than this build knows about now."),
    note("b3-go-task-force-all", "go-task/task", "task.go", r"""
 func (e *Executor) RunTask(ctx context.Context, call *Call) error {
 	t, err := e.FastCompiledTask(call)
 	if err != nil {
 		return err
 	}
 	if !shouldRunOnCurrentPlatform(t.Platforms) {
 		e.Logger.VerboseOutf(logger.Yellow, "task: %q not for current platform - ignored\n", call.Task)
 		return nil
 	}
 	release := e.acquireConcurrencyLimit()
 	defer release()
 	return e.startExecution(ctx, t, func(ctx context.Context) error {
 		if err := e.runDeps(ctx, t); err != nil {
 			return err
 		}
-		if !e.Force {
+		skipFingerprinting := e.ForceAll || (!call.Indirect && e.Force)
+		if !skipFingerprinting {
 			upToDate, err := fingerprint.IsTaskUpToDate(ctx, t)
 			if err != nil {
 				return err
 			}
 			if upToDate {
 				e.Logger.Errf(logger.Magenta, "task: Task %q is up to date\n", t.Name())
 				return nil
 			}
 		}
 		return e.runCommands(ctx, t, call)
 	})
 }
""", say="So with this, force on its own only skips the up-to-date check for the task you called directly. Its dependencies still get fingerprinted unless {force all|ForceAll} is set, which is why {run task|RunTask} now looks at {call dot indirect|call.Indirect}."),
    note("b3-rust-quinn-idle-timeout", "quinn-rs/quinn", "quinn-proto/src/connection/mod.rs", r"""
 impl Connection {
     fn handle_peer_params(&mut self, params: TransportParameters) -> Result<(), TransportError> {
         if Some(self.orig_rem_cid) != params.initial_src_connection_id
             || (self.side.is_client()
                 && self.rem_handshake_cid
                     != params.original_dst_connection_id.unwrap_or(self.rem_handshake_cid))
         {
             return Err(TransportError::TRANSPORT_PARAMETER_ERROR(
                 "CID authentication failure",
             ));
         }
-        self.idle_timeout = Some(Duration::from_millis(params.max_idle_timeout.0));
+        self.idle_timeout = match (self.config.max_idle_timeout, params.max_idle_timeout) {
+            (None, VarInt(0)) => None,
+            (None, x) => Some(x),
+            (Some(x), VarInt(0)) => Some(x),
+            (Some(x), y) => Some(cmp::min(x, y)),
+        };
+        if let Some(timeout) = self.idle_timeout {
+            self.reset_idle_timeout_to(Duration::from_millis(timeout.0));
+        }
         self.set_peer_params(params);
         Ok(())
     }
 }
""", say="Why were idle connections closing early? We took the peer's {max idle timeout|max_idle_timeout} as is, so now a zero from either side means no limit, and otherwise the idle timeout is the smaller of the two."),
    note("b3-rust-eza-colors-env", "eza-community/eza", "src/options/theme.rs", r"""
 impl Definitions {
     /// Reads `LS_COLORS` and the eza colour variable from the environment,
     /// keeping them as plain strings until the theme gets built.
     pub fn deduce<V: Vars>(vars: &V) -> Self {
         let ls = vars
             .get(vars::LS_COLORS)
             .map(|e| e.to_string_lossy().to_string());
-        let exa = vars
-            .get(vars::EXA_COLORS)
-            .map(|e| e.to_string_lossy().to_string());
+        let exa = vars
+            .get(vars::EZA_COLORS)
+            .or_else(|| vars.get(vars::EXA_COLORS))
+            .map(|e| e.to_string_lossy().to_string());
         Self { ls, exa }
     }
 
     pub fn is_empty(&self) -> bool {
         self.ls.is_none() && self.exa.is_none()
     }
 }
""", say="{e z a colors|EZA_COLORS} is read first now and the old {e x a colors|EXA_COLORS} only kicks in when it isn't set, so people's existing configs keep working after the rename."),
    note("b3-rust-asyncexec-notify", "smol-rs/async-executor", "src/lib.rs", r"""
 impl State {
     fn schedule(self: &Arc<Self>) -> impl Fn(Runnable) + Send + Sync + 'static {
         let state = self.clone();
         move |runnable| {
             let result = state.queue.push(runnable);
             debug_assert!(result.is_ok());
-            state.notify();
+            if !state.notified.load(Ordering::Acquire) {
+                state.notify();
+            }
         }
     }
 
     #[inline]
     fn notify(&self) {
-        if !self.notified.swap(true, Ordering::SeqCst) {
+        if self
+            .notified
+            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
+            .is_ok()
+        {
             let waker = self.sleepers.lock().unwrap().notify();
             if let Some(w) = waker {
                 w.wake();
             }
         }
     }
 }
""", say="Scheduling a task used to do a sequentially consistent swap on the shared flag every single time. Now it first checks whether a sleeper has already been woken and only then pays for the heavier atomic, which cuts a lot of cache traffic when you spawn thousands of tiny tasks."),
    note("b3-c-jemalloc-narenas-limit", "jemalloc/jemalloc", "src/jemalloc.c", r"""
 static bool
 malloc_init_narenas(void) {
 	assert(ncpus != 0);
 
 	if (opt_percpu_arena != percpu_arena_disabled) {
 		if (!have_percpu_arena || malloc_getcpu() < 0) {
 			opt_percpu_arena = percpu_arena_disabled;
 			malloc_printf("<jemalloc>: per-CPU arenas unavailable, "
 			    "falling back to %u arenas\n", opt_narenas ?
 			    opt_narenas : malloc_narenas_default());
 		}
 	}
 	if (opt_narenas == 0) {
 		opt_narenas = malloc_narenas_default();
 	}
-	narena_auto = opt_narenas;
+	if (opt_narenas > MALLOCX_ARENA_LIMIT - 1) {
+		malloc_printf("<jemalloc>: narenas in MALLOC_CONF exceeds the "
+		    "arena limit; using %u\n", MALLOCX_ARENA_LIMIT - 1);
+		opt_narenas = MALLOCX_ARENA_LIMIT - 1;
+	}
+	narena_auto = opt_narenas;
 	atomic_store_u(&narenas_total, opt_narenas, ATOMIC_RELAXED);
 
 	return false;
 }
""", say="If someone sets {n arenas|narenas} in {malloc conf|MALLOC_CONF} higher than the arena limit, we now clamp it to {mallocx arena limit|MALLOCX_ARENA_LIMIT} minus one and print a warning, rather than blowing up later when an arena index overflows."),
    note("b3-cpp-leveldb-log-error", "google/leveldb", "db/db_impl.cc", r"""
 Status DBImpl::MakeRoomForWrite(bool force) {
   Status s;
   while (true) {
     if (!bg_error_.ok()) {
       s = bg_error_;
       break;
     } else if (!force &&
                (mem_->ApproximateMemoryUsage() <= options_.write_buffer_size)) {
       break;
     } else {
       uint64_t new_log_number = versions_->NewFileNumber();
       WritableFile* lfile = nullptr;
       s = env_->NewWritableFile(LogFileName(dbname_, new_log_number), &lfile);
       if (!s.ok()) {
-        versions_->ReuseFileNumber(new_log_number);
-        break;
+        versions_->ReuseFileNumber(new_log_number);
+        RecordBackgroundError(s);
+        break;
       }
       delete log_;
       delete logfile_;
       logfile_ = lfile;
       logfile_number_ = new_log_number;
       log_ = new log::Writer(lfile);
       imm_ = mem_;
       mem_ = new MemTable(internal_comparator_);
       mem_->Ref();
       force = false;
       MaybeScheduleCompaction();
     }
   }
   return s;
 }
""", say="{make room for write|MakeRoomForWrite} now calls {record background error|RecordBackgroundError} when it can't create the new log file, so every later write fails fast with that status instead of each one retrying against a full disk."),
]
