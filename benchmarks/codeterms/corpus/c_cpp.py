"""C and C++ notes (see the package docstring for the format)."""

from __future__ import annotations

from . import note

NOTES = [
    note("c-curl-redirs", "curl/curl", "lib/transfer.c", r"""
 CURLcode Curl_follow(struct Curl_easy *data, char *newurl, followtype type)
 {
   bool disallowport = FALSE;
   bool reachedmax = FALSE;
   CURLUcode uc;

   if(type == FOLLOW_REDIR) {
     if((data->set.maxredirs != -1) &&
        (data->state.followlocation >= data->set.maxredirs)) {
       reachedmax = TRUE;
       type = FOLLOW_FAKE;
     }
     else {
-      data->state.followlocation++;
+      data->state.followlocation++;
+      data->state.this_is_a_follow = TRUE;
     }
   }
   return CURLE_OK;
 }
""", say="{Curl follow|Curl_follow} marks the transfer with {this is a follow|this_is_a_follow} when it takes a redirect."),
    note("c-curl-mime", "curl/curl", "lib/mime.c", r"""
 const char *Curl_mime_contenttype(const char *filename)
 {
   static const struct ContentType ctts[] = {
     {".gif",  "image/gif"},
     {".jpg",  "image/jpeg"},
     {".jpeg", "image/jpeg"},
     {".png",  "image/png"},
     {".svg",  "image/svg+xml"},
     {".txt",  "text/plain"},
     {".htm",  "text/html"},
     {".html", "text/html"},
-    {".pdf",  "application/pdf"},
+    {".pdf",  "application/pdf"},
+    {".json", "application/json"},
     {".xml",  "application/xml"}
   };
   return NULL;
 }
""", say="Files ending in dot JSON are sent as {application slash json|application/json} in MIME posts."),
    note("c-redis-expire", "redis/redis", "src/expire.c", r"""
 void expireGenericCommand(client *c, long long basetime, int unit) {
     robj *key = c->argv[1], *param = c->argv[2];
     long long when;
     long long current_expire = -1;
     int flag = 0;

     if (parseExtendedExpireArgumentsOrReply(c, &flag) != C_OK) {
         return;
     }
     if (getLongLongFromObjectOrReply(c, param, &when, NULL) != C_OK)
         return;
-    if (unit == UNIT_SECONDS) when *= 1000;
+    if (when > LLONG_MAX / (unit == UNIT_SECONDS ? 1000 : 1) - basetime) {
+        addReplyErrorExpireTime(c);
+        return;
+    }
+    if (unit == UNIT_SECONDS) when *= 1000;
     when += basetime;
 }
""", say="Expire replies with an error instead of overflowing when the time plus the base time is too large, through {add reply error expire time|addReplyErrorExpireTime}."),
    note("c-redis-plain", "redis/redis", "src/networking.c", r"""
 int processMultibulkBuffer(client *c) {
     char *newline = NULL;
     int ok;
     long long ll;

     if (c->multibulklen == 0) {
         serverAssertWithInfo(c,NULL,c->argc == 0);
         newline = strchr(c->querybuf+c->qb_pos,'\r');
         if (newline == NULL) {
             if (sdslen(c->querybuf)-c->qb_pos > PROTO_INLINE_MAX_SIZE) {
-                addReplyError(c,"Protocol error: too big mbulk count string");
+                addReplyError(c,"Protocol error: too big mbulk count string");
+                setProtocolError("too big mbulk count string",c);
             }
             return C_ERR;
         }
     }
     return C_OK;
 }
""", say="A multi bulk count that is too big is now also recorded as a protocol error, so the client gets closed."),
    note("c-git-firstline", "git/git", "builtin/log.c", r"""
 static void make_cover_letter(struct rev_info *rev, int use_separate_file,
 			      struct commit *origin, int nr, struct commit **list,
 			      const char *description_file, const char *branch_name, int quiet)
 {
 	const char *committer;
 	struct shortlog log;
 	struct strbuf sb = STRBUF_INIT;
 	int i;
 	const char *encoding = "UTF-8";
 	int need_8bit_cte = 0;
 	struct pretty_print_context pp = {0};
-	committer = git_committer_info(0);
+	committer = git_committer_info(0);
+	if (!branch_name)
+		branch_name = find_branch_name(rev);
 	pp.fmt = CMIT_FMT_EMAIL;
 }
""", say="The cover letter finds the branch name by itself when none is given, using {find branch name|find_branch_name}."),
    note("c-git-trailer", "git/git", "trailer.c", r"""
 static size_t find_trailer_block_start(const char *buf, size_t len)
 {
 	const char *s;
 	ssize_t end_of_title, l;
 	int only_spaces = 1;
 	int recognized_prefix = 0, trailer_lines = 0, non_trailer_lines = 0;
 	size_t possible_continuation_lines = 0;

 	/* The first paragraph is the title and cannot be trailers */
 	for (s = buf; s < buf + len; s = next_line(s)) {
 		if (starts_with_mem(s, buf + len - s, comment_line_str))
 			continue;
-		if (is_blank_line(s))
+		if (is_blank_line(s) || starts_with(s, "---"))
 			break;
 	}
 	end_of_title = s - buf;
 	return end_of_title;
 }
""", say="The title now also ends at a line of three dashes when looking for where the trailer block starts."),
    note("c-sqlite-open", "sqlite/sqlite", "src/main.c", r"""
 static int openDatabase(const char *zFilename, sqlite3 **ppDb, unsigned int flags, const char *zVfs)
 {
   sqlite3 *db;
   int rc;
   int isThreadsafe;
   char *zOpen = 0;
   char *zErrMsg = 0;
   int i;

   *ppDb = 0;
   rc = sqlite3_initialize();
   if( rc ) return rc;
-  if( sqlite3GlobalConfig.bCoreMutex==0 ){
+  if( sqlite3GlobalConfig.bCoreMutex==0 || (flags & SQLITE_OPEN_NOMUTEX)!=0 ){
     isThreadsafe = 0;
   }
   return rc;
 }
""", say="Opening a database with {SQLite open no mutex|SQLITE_OPEN_NOMUTEX} turns off thread safety too."),
    note("c-linux-plain", "torvalds/linux", "fs/ext4/inode.c", r"""
 static int ext4_write_end(struct file *file, struct address_space *mapping,
 			  loff_t pos, unsigned len, unsigned copied,
 			  struct page *page, void *fsdata)
 {
 	handle_t *handle = ext4_journal_current_handle();
 	struct inode *inode = mapping->host;
 	loff_t old_size = inode->i_size;
 	int ret = 0, ret2;
 	int i_size_changed = 0;
 	bool verity = ext4_verity_in_progress(inode);

 	trace_ext4_write_end(inode, pos, len, copied);
-	copied = block_write_end(file, mapping, pos, len, copied, page, fsdata);
+	if (ext4_has_inline_data(inode) && ext4_test_inode_state(inode, EXT4_STATE_MAY_INLINE_DATA))
+		return ext4_write_inline_data_end(inode, pos, len, copied, page);
+	copied = block_write_end(file, mapping, pos, len, copied, page, fsdata);
 	return ret ? ret : copied;
 }
""", say="Write end hands inline data to its own end function first, before the generic block path."),
    note("c-nginx-header", "nginx/nginx", "src/http/ngx_http_parse.c", r"""
 ngx_int_t
 ngx_http_parse_header_line(ngx_http_request_t *r, ngx_buf_t *b,
     ngx_uint_t allow_underscores)
 {
     u_char      c, ch, *p;
     ngx_uint_t  hash, i;
     enum {
         sw_start = 0,
         sw_name,
         sw_space_before_value,
     } state;
     state = r->state;
     hash = r->header_hash;
-    if (ch == '_') {
+    if (ch == '_' && allow_underscores) {
         hash = ngx_hash(hash, ch);
         r->lowcase_header[i++] = ch;
     }
     return NGX_OK;
 }
""", say="Underscores in header names are only hashed when {allow underscores|allow_underscores} is on, in {parse header line|ngx_http_parse_header_line}."),
    note("c-jq-plain", "jqlang/jq", "src/main.c", r"""
 int main(int argc, char* argv[]) {
   jq_state *jq = NULL;
   int ret = JQ_OK_NO_OUTPUT;
   int compiled = 0;
   int parser_flags = 0;
   int nfiles = 0;
   int last_result = -1;
   jv ARGS = jv_array();
   jv program_arguments = jv_object();
   int further_file_args = 0;
   int jq_flags = 0;
   size_t short_opts = 0;
-  if (argc) progname = argv[0];
+  if (argc) progname = argv[0];
+  if (getenv("JQ_COLORS") != NULL && !jq_set_colors(getenv("JQ_COLORS")))
+    fprintf(stderr, "Failed to set $JQ_COLORS\n");
   return ret;
 }
""", say="Bad colours in the environment are reported with a warning at start up instead of being ignored."),
    note("c-vim-plain", "vim/vim", "src/ops.c", r"""
     static int
 shift_line(int left, int round, int amount, int call_changed_bytes)
 {
     int		count;
     int		i, j;
     int		sw_val = (int)get_sw_value_indent(curbuf, left);

     count = get_indent();
     if (round)
     {
 	i = count / sw_val;
 	j = count % sw_val;
-	if (j && left)
+	if (j && left && amount > 0)
 	    --amount;
     }
     return OK;
 }
""", say="Shifting a line left with rounding no longer goes past zero when the amount is already used up."),
    note("cpp-llvm-inline", "llvm/llvm-project", "llvm/lib/Analysis/InlineCost.cpp", r"""
 InlineResult CallAnalyzer::analyze() {
   ++NumCallsAnalyzed;
   auto Result = onAnalysisStart();
   if (!Result.isSuccess())
     return Result;
   if (F.empty())
     return InlineResult::success();
   Function *Caller = CandidateCall.getFunction();
   for (User *U : Caller->users()) {
     CallBase *Call = dyn_cast<CallBase>(U);
     if (Call && Call->getFunction() == Caller) {
-      IsCallerRecursive = true;
+      IsCallerRecursive = true;
+      break;
     }
   }
   return finalizeAnalysis();
 }
""", say="The analyzer stops scanning the caller's users as soon as it knows the caller is recursive."),
    note("cpp-opencv-resize", "opencv/opencv", "modules/imgproc/src/resize.cpp", r"""
 void cv::resize( InputArray _src, OutputArray _dst, Size dsize,
                  double inv_scale_x, double inv_scale_y, int interpolation )
 {
     CV_INSTRUMENT_REGION();
     Size ssize = _src.size();
     CV_Assert( !ssize.empty() );
     if( dsize.empty() )
     {
         CV_Assert(inv_scale_x > 0); CV_Assert(inv_scale_y > 0);
         dsize = Size(saturate_cast<int>(ssize.width*inv_scale_x),
                      saturate_cast<int>(ssize.height*inv_scale_y));
-        CV_Assert( !dsize.empty() );
+        if (dsize.empty())
+            CV_Error(Error::StsBadArg, "the computed destination size is empty, check inv_scale_x and inv_scale_y");
     }
 }
""", say="Resize raises a bad argument error that names {inv scale x|inv_scale_x} and {inv scale y|inv_scale_y} when the computed size is empty."),
    note("cpp-json-dump", "nlohmann/json", "include/nlohmann/detail/output/serializer.hpp", r"""
 template<typename BasicJsonType>
 class serializer
 {
   public:
     void dump(const BasicJsonType& val, const bool pretty_print, const bool ensure_ascii,
               const unsigned int indent_step, const unsigned int current_indent = 0)
     {
         switch (val.m_data.m_type)
         {
             case value_t::object:
             {
                 if (val.m_data.m_value.object->empty())
                 {
                     o->write_characters("{}", 2);
                     return;
                 }
-                const auto new_indent = current_indent + indent_step;
+                const auto new_indent = current_indent + indent_step;
+                if (JSON_HEDLEY_UNLIKELY(indent_string.size() < new_indent))
+                    indent_string.resize(indent_string.size() * 2, ' ');
                 return;
             }
         }
     }
 };
""", say="Dump grows the {indent string|indent_string} when a deep object needs a {new indent|new_indent} longer than it."),
    note("cpp-grpc-plain", "grpc/grpc", "src/core/lib/surface/channel.cc", r"""
 absl::StatusOr<RefCountedPtr<Channel>> Channel::Create(
     std::string target, ChannelArgs args,
     grpc_channel_stack_type channel_stack_type, Transport* optional_transport) {
   if (!args.GetString(GRPC_ARG_DEFAULT_AUTHORITY).has_value()) {
     auto ssl_override = args.GetString(GRPC_SSL_TARGET_NAME_OVERRIDE_ARG);
     if (ssl_override.has_value()) {
       args = args.Set(GRPC_ARG_DEFAULT_AUTHORITY, std::string(ssl_override.value()));
     }
   }
   auto channelz_node = MakeChannelzNode(target, args);
-  args = args.Set(GRPC_ARG_CHANNELZ_CHANNEL_NODE, channelz_node);
+  if (channelz_node != nullptr)
+    args = args.Set(GRPC_ARG_CHANNELZ_CHANNEL_NODE, channelz_node);
   return CreateWithBuilder(std::move(target), std::move(args));
 }
""", say="The channel only sets its tracing node argument when one was made."),
    note("cpp-electron-mime", "electron/electron", "shell/browser/net/asar/asar_url_loader.cc", r"""
 class AsarURLLoader : public network::mojom::URLLoader {
  public:
   void Start(const network::ResourceRequest& request,
              mojo::PendingReceiver<network::mojom::URLLoader> loader,
              mojo::PendingRemote<network::mojom::URLLoaderClient> client) {
     auto head = network::mojom::URLResponseHead::New();
     head->content_length = 0;
     head->headers = base::MakeRefCounted<net::HttpResponseHeaders>("HTTP/1.1 200 OK");
     std::string mime_type;
     if (net::GetMimeTypeFromFile(path, &mime_type)) {
       head->mime_type = mime_type;
-    }
+    } else if (path.MatchesExtension(FILE_PATH_LITERAL(".js"))) {
+      head->mime_type = "text/javascript";
+    }
     client_->OnReceiveResponse(std::move(head));
   }
 };
""", say="Scripts inside an archive get {text slash javascript|text/javascript} when the platform does not know their type."),
    note("cpp-godot-plain", "godotengine/godot", "scene/main/node.cpp", r"""
 void Node::_propagate_ready() {
 	data.ready_notified = true;
 	data.blocked++;
 	for (KeyValue<StringName, Node *> &K : data.children) {
 		K.value->_propagate_ready();
 	}
 	data.blocked--;
 	notification(NOTIFICATION_POST_ENTER_TREE);
 	if (data.ready_first) {
 		data.ready_first = false;
 		notification(NOTIFICATION_READY);
-		emit_signal(SceneStringName(ready));
+		emit_signal(SceneStringName(ready));
+		data.ready_emitted = true;
 	}
 }
""", say="{Propagate ready|_propagate_ready} remembers that the ready signal went out, so it is not sent a second time."),
    note("cpp-tensorflow-shape", "tensorflow/tensorflow", "tensorflow/core/kernels/reshape_op.h", r"""
 class ReshapeOp : public OpKernel {
  public:
   void Compute(OpKernelContext* context) override {
     const Tensor& input = context->input(0);
     const Tensor& sizes = context->input(1);
     OP_REQUIRES(context, (TensorShapeUtils::IsVector(sizes.shape()) || TensorShapeUtils::IsScalar(sizes.shape())),
                 errors::InvalidArgument("sizes input must be 1-D, not ", sizes.shape().DebugString()));
     TensorShape shape;
     int64_t product = 1;
     int unknown_index = -1;
     bool sizes_has_zero_dim;
-    OP_REQUIRES_OK(context, ValidateSizes<int32>(sizes, &product, &unknown_index, &shape, &sizes_has_zero_dim));
+    OP_REQUIRES_OK(context, ValidateSizes<int32>(sizes, &product, &unknown_index, &shape, &sizes_has_zero_dim));
+    OP_REQUIRES(context, sizes.NumElements() < kMaxDims, errors::InvalidArgument("too many dimensions"));
   }
 };
""", say="Reshape refuses more dimensions than {k max dims|kMaxDims} before it builds the shape."),
    note("cpp-folly-plain", "facebook/folly", "folly/String.cpp", r"""
 void humanify(const String1& input, String2& output) {
   size_t numUnprintable = 0;
   size_t numPrintablePrefix = 0;
   for (unsigned char c : input) {
     if (c < 0x20 || c > 0x7e || c == '\\') {
       ++numUnprintable;
     }
     if (numUnprintable == 0) {
       ++numPrintablePrefix;
     }
   }
-  if (numUnprintable == 0) {
+  if (numUnprintable == 0 && numPrintablePrefix == input.size()) {
     output = input;
     return;
   }
 }
""", say="Humanify copies the input as it is only when every character is printable."),
]
