"""Batch-2 notes, c_cpp (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES: list[dict] = [
    note("b2-c-libuv-copyfile-clone", "libuv/libuv", "src/unix/fs.c", r"""
 static ssize_t uv__fs_copyfile(uv_fs_t* req) {
   uv_fs_t fs_req;
   int srcfd;
   int dstfd;
   int err;

   srcfd = uv_fs_open(NULL, &fs_req, req->path, O_RDONLY, 0, NULL);
   if (srcfd < 0)
     return srcfd;
   dstfd = uv_fs_open(NULL, &fs_req, req->new_path, O_WRONLY | O_CREAT, 0644, NULL);
 #ifdef FICLONE
   if (req->flags & UV_FS_COPYFILE_FICLONE ||
       req->flags & UV_FS_COPYFILE_FICLONE_FORCE) {
     if (ioctl(dstfd, FICLONE, srcfd) == 0)
       goto out;
-    err = UV__ERR(errno);
-    goto out;
+    /* Only a forced clone is an error; otherwise fall back to a byte copy. */
+    if (req->flags & UV_FS_COPYFILE_FICLONE_FORCE) {
+      err = UV__ERR(errno);
+      goto out;
+    }
   }
 #endif
   err = uv__fs_sendfile_copy(srcfd, dstfd);
 out:
   uv__close(srcfd);
   return err;
 }
""", say="When the clone ioctl fails, {copy file|uv__fs_copyfile} now falls back to a plain byte copy, unless the caller passed {FICLONE force|UV_FS_COPYFILE_FICLONE_FORCE}."),

    note("b2-c-openssl-dup-extension", "openssl/openssl", "ssl/statem/extensions.c", r"""
 int tls_collect_extensions(SSL_CONNECTION *s, PACKET *packet,
                            unsigned int context, RAW_EXTENSION **res,
                            size_t *len, int init)
 {
     PACKET extensions = *packet;
     size_t i = 0;
     RAW_EXTENSION *raw_extensions = NULL;

     while (PACKET_remaining(&extensions) > 0) {
         unsigned int type, idx;
         PACKET extension;
         RAW_EXTENSION *thisex;

         if (!PACKET_get_net_2(&extensions, &type)
                 || !PACKET_get_length_prefixed_2(&extensions, &extension)) {
             SSLfatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
             goto err;
         }
         thisex = verify_extension(s, context, type, exts, raw_extensions, &idx);
-        if (thisex != NULL) {
+        if (thisex != NULL && thisex->present == 1) {
+            /* The same extension must not appear twice in one message. */
+            SSLfatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION);
+            goto err;
+        }
+        if (thisex != NULL) {
             thisex->data = extension;
             thisex->present = 1;
             thisex->type = type;
         }
     }
""", say="A handshake message that carries the same extension twice is now a fatal illegal parameter alert, instead of us quietly keeping the second copy."),

    note("b2-c-tmux-status-interval", "tmux/tmux", "status.c", r"""
 int
 status_redraw(struct client *c)
 {
 	struct status_line	*sl = &c->status;
 	struct session		*s = c->session;
 	struct format_tree	*ft;
 	const char		*fmt;
 	char			*expanded;
 	time_t			 t;

 	t = time(NULL);
 	ft = format_create_defaults(NULL, c, NULL, NULL, NULL);
 	fmt = options_get_string(s->options, "status-right");
-	expanded = format_expand(ft, fmt);
+	/* Expand strftime sequences too, so a clock in the format ticks. */
+	expanded = format_expand_time(ft, fmt);
 	if (strcmp(expanded, sl->right) != 0) {
 		free(sl->right);
 		sl->right = expanded;
 		sl->dirty = 1;
 	} else
 		free(expanded);
 	format_free(ft);
 	return (sl->dirty);
 }
""", say="The {status right|status-right} option now goes through {format expand time|format_expand_time}, so a clock in it actually updates on every redraw."),

    note("b2-c-ffmpeg-hls-reload", "FFmpeg/FFmpeg", "libavformat/hls.c", r"""
 static int read_data(void *opaque, uint8_t *buf, int buf_size)
 {
     struct playlist *v = opaque;
     HLSContext *c = v->parent->priv_data;
     struct segment *seg;
     int ret;
     int retries = 0;

 restart:
     seg = current_segment(v);
     ret = open_input(c, v, seg, &v->input);
     if (ret < 0) {
-        av_log(v->parent, AV_LOG_WARNING, "Failed to open segment %"PRId64"\n",
-               v->cur_seq_no);
-        v->cur_seq_no++;
+        if (retries++ < c->max_reload) {
+            av_log(v->parent, AV_LOG_WARNING, "Retrying segment %"PRId64" (%d/%d)\n",
+                   v->cur_seq_no, retries, c->max_reload);
+            goto restart;
+        }
+        retries = 0;
+        v->cur_seq_no++;
         goto restart;
     }
     return read_from_url(v, seg, buf, buf_size);
 }
""", say="When a segment fails to open, {read data|read_data} now retries it up to {max reload|max_reload} times before skipping ahead to the next one."),

    note("b2-c-systemd-env-comments", "systemd/systemd", "src/basic/env-file.c", r"""
 static int parse_env_file_internal(FILE *f, const char *fname,
                                    int (*push)(const char *key, char *value, void *userdata),
                                    void *userdata) {
         _cleanup_free_ char *contents = NULL;
         const char *p;
         int r;

         r = read_full_stream(f, &contents, NULL);
         if (r < 0)
                 return r;

         for (p = contents; *p; p += strcspn(p, NEWLINE), p += strspn(p, NEWLINE)) {
                 const char *line = p + strspn(p, WHITESPACE);

-                if (*line == '#')
+                /* Both '#' and ';' start a comment, as in unit files. */
+                if (IN_SET(*line, '#', ';'))
                         continue;

                 r = parse_one_assignment(line, fname, push, userdata);
                 if (r < 0)
                         return r;
         }
         return 0;
 }
""", say="Lines in an environment file that start with a semicolon are now treated as comments, the same as lines that start with a hash sign."),

    note("b2-c-fmt-display-width", "fmtlib/fmt", "include/fmt/format.h", r"""
 template <align::type default_align = align::left, typename OutputIt,
           typename Char>
 FMT_CONSTEXPR auto write(OutputIt out, basic_string_view<Char> s,
                          const format_specs& specs) -> OutputIt {
   auto data = s.data();
   auto size = s.size();
   if (specs.precision >= 0 && to_unsigned(specs.precision) < size)
     size = code_point_index(s, to_unsigned(specs.precision));
-  size_t width = specs.width != 0 ? size : 0;
+  // Pad by display columns, not bytes, so wide characters line up.
+  size_t width = specs.width != 0
+                     ? compute_width(basic_string_view<Char>(data, size))
+                     : 0;
   return write_padded<default_align>(
       out, specs, size, width, [=](reserve_iterator<OutputIt> it) {
         return copy<Char>(data, data + size, it);
       });
 }
""", say="Strings are now padded by display width from {compute width|compute_width} rather than by byte count, so UTF eight text with wide characters lines up in {write padded|write_padded}."),

    note("b2-c-gtest-shard-env", "google/googletest", "googletest/src/gtest.cc", r"""
 bool ShouldShard(const char* total_shards_env, const char* shard_index_env,
                  bool in_subprocess_for_death_test) {
   if (in_subprocess_for_death_test) {
     return false;
   }

   const int32_t total_shards = Int32FromEnvOrDie(total_shards_env, -1);
   const int32_t shard_index = Int32FromEnvOrDie(shard_index_env, -1);

   if (total_shards == -1 && shard_index == -1) {
     return false;
-  } else if (total_shards == -1 && shard_index != -1) {
+  } else if (total_shards <= 0 && shard_index != -1) {
+    // GTEST_TOTAL_SHARDS must be positive whenever GTEST_SHARD_INDEX is set.
     const std::string msg = std::string("Invalid environment variables: ") +
-                            kTestTotalShards + " is unset";
+                            kTestTotalShards + " must be a positive number, got " +
+                            StreamableToString(total_shards);
     ColoredPrintf(GTestColor::kRed, "%s\n", msg.c_str());
     fflush(stdout);
     exit(EXIT_FAILURE);
   }
   return total_shards > 1;
 }
""", say="{Should shard|ShouldShard} now rejects a zero or negative {G test total shards|GTEST_TOTAL_SHARDS}, and the message prints the value it got."),

    note("b2-c-rocksdb-imm-stall", "facebook/rocksdb", "db/column_family.cc", r"""
 std::pair<WriteStallCondition, WriteStallCause>
 ColumnFamilyData::GetWriteStallConditionAndCause(
     int num_unflushed_memtables, int num_l0_files,
     uint64_t num_compaction_needed_bytes,
     const MutableCFOptions& mutable_cf_options,
     const ImmutableCFOptions& immutable_cf_options) {
-  if (num_l0_files >= mutable_cf_options.level0_stop_writes_trigger) {
+  if (num_unflushed_memtables >= mutable_cf_options.max_write_buffer_number) {
+    return {WriteStallCondition::kStopped,
+            WriteStallCause::kMemtableLimit};
+  } else if (num_l0_files >= mutable_cf_options.level0_stop_writes_trigger) {
     return {WriteStallCondition::kStopped, WriteStallCause::kL0FileCountLimit};
   } else if (num_compaction_needed_bytes >=
              mutable_cf_options.hard_pending_compaction_bytes_limit) {
     return {WriteStallCondition::kStopped,
             WriteStallCause::kPendingCompactionBytes};
   }
   return {WriteStallCondition::kNormal, WriteStallCause::kNone};
 }
""", say="Writes now stop as soon as the number of unflushed memtables reaches the write buffer limit, before we even look at how many level zero files there are."),

    note("b2-c-spdlog-rename-retry", "gabime/spdlog", "include/spdlog/sinks/rotating_file_sink-inl.h", r"""
 template<typename Mutex>
 SPDLOG_INLINE void rotating_file_sink<Mutex>::rotate_()
 {
     using details::os::filename_to_str;
     using details::os::path_exists;

     file_helper_.close();
     for (auto i = max_files_; i > 0; --i)
     {
         filename_t src = calc_filename(base_filename_, i - 1);
         if (!path_exists(src))
         {
             continue;
         }
         filename_t target = calc_filename(base_filename_, i);
         if (!rename_file_(src, target))
         {
-            file_helper_.reopen(true);
-            throw_spdlog_ex("rotating_file_sink: failed renaming " + filename_to_str(src), errno);
+            // On Windows a virus scanner may still hold the file; try once more.
+            details::os::sleep_for_millis(100);
+            if (!rename_file_(src, target))
+            {
+                file_helper_.reopen(true);
+                throw_spdlog_ex("rotating_file_sink: failed renaming " + filename_to_str(src), errno);
+            }
         }
     }
     file_helper_.reopen(true);
 }
""", say="If a rename fails during rotation, we now sleep a hundred milliseconds and call {rename file|rename_file_} once more, since on Windows a virus scanner can briefly hold the file."),

    note("b2-c-httplib-default-type", "yhirose/cpp-httplib", "httplib.h", r"""
 inline void Response::set_content(const char *s, size_t n,
                                   const std::string &content_type) {
   body.assign(s, n);

   auto rng = headers.equal_range("Content-Type");
   headers.erase(rng.first, rng.second);
-  set_header("Content-Type", content_type);
+  // An empty type used to send a blank header; fall back to plain text.
+  set_header("Content-Type",
+             content_type.empty() ? "text/plain" : content_type);
 }
""", say="{Set content|set_content} now defaults to {text slash plain|text/plain} when the caller passes an empty content type, instead of sending a blank header."),
]
