/*
 * wkd.i - SWIG interface of the Java binding.
 *
 * It %includes the public headers of the C ABI unchanged and adapts their
 * conventions to Java with typemaps:
 *
 *  - `wkd_error* err` disappears from the Java signature: the wrapper passes
 *    a local struct and, when the call fails, throws the WkdException
 *    subclass of the status (dev.weftkit.wkd.WkdException.fromStatus) with
 *    the C message;
 *  - opaque handles (nodes, configs, snapshots, watches, events) are plain
 *    Java longs, and handle out-parameters (`wkd_node_t** out`, ...) are
 *    long[1] holders, so the facade owns every handle explicitly;
 *  - other out-parameters are one-element arrays (int[], long[], String[],
 *    byte[][]);
 *  - (pointer, count) pairs of strings are String[], payloads are byte[];
 *  - the sized structs get constructors that fill struct_size, and the
 *    structs the library reads (registration, filter) own copies of the
 *    strings set through their set_* methods.
 *
 * Watches are always pulled (cb == NULL): the binding takes events on its
 * own threads with wkd_watch_next_event, never on the node's loop thread.
 * Log lines likewise go through a log queue (wkd_config_set_log_queue)
 * drained by a Java thread, never through a log callback.
 */
%module WkdNative

%{
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "wkd.h"

static jstring wkd_jni_string(JNIEnv* jenv, const char* s);
static char* wkd_jni_strdup_or_null(const char* s);

/* Throws the binding's exception for a failed call. */
static void wkd_jni_throw(JNIEnv* jenv, wkd_status status, const wkd_error* err) {
  const char* msg = (err != NULL && err->status == (int32_t)status && err->message[0] != '\0')
                        ? err->message
                        : wkd_status_str(status);
  jclass cls;
  jmethodID factory;
  jstring jmsg;
  jobject ex;
  if ((*jenv)->ExceptionCheck(jenv)) return; /* an exception is already pending */
  cls = (*jenv)->FindClass(jenv, "dev/weftkit/wkd/WkdException");
  if (cls == NULL) return; /* NoClassDefFoundError pending */
  factory = (*jenv)->GetStaticMethodID(jenv, cls, "fromStatus", "(ILjava/lang/String;)Ldev/weftkit/wkd/WkdException;");
  if (factory == NULL) return;
  jmsg = wkd_jni_string(jenv, msg);
  if (jmsg == NULL) return;
  ex = (*jenv)->CallStaticObjectMethod(jenv, cls, factory, (jint)status, jmsg);
  if (ex != NULL && !(*jenv)->ExceptionCheck(jenv)) (*jenv)->Throw(jenv, (jthrowable)ex);
}

/* Throws WkdInvalidArgumentException with a message of the binding. */
static void wkd_jni_throw_inval(JNIEnv* jenv, const char* message) {
  wkd_error e;
  wkd_error_init(&e);
  e.status = WKD_E_INVAL;
  strncpy(e.message, message, sizeof e.message - 1);
  wkd_jni_throw(jenv, WKD_E_INVAL, &e);
}

/* A Java string as malloc'd standard UTF-8 (JNI's own "modified UTF-8"
   differs for NUL and for characters outside the BMP). Returns NULL with an
   exception pending on failure; a string holding NUL is refused. */
static char* wkd_jni_utf8(JNIEnv* jenv, jstring s) {
  jclass cls;
  jmethodID get_bytes;
  jstring charset;
  jbyteArray bytes;
  jsize n;
  char* out;
  if (s == NULL) {
    SWIG_JavaThrowException(jenv, SWIG_JavaNullPointerException, "null string");
    return NULL;
  }
  cls = (*jenv)->GetObjectClass(jenv, s);
  get_bytes = (*jenv)->GetMethodID(jenv, cls, "getBytes", "(Ljava/lang/String;)[B");
  (*jenv)->DeleteLocalRef(jenv, cls);
  if (get_bytes == NULL) return NULL;
  charset = (*jenv)->NewStringUTF(jenv, "UTF-8");
  if (charset == NULL) return NULL;
  bytes = (jbyteArray)(*jenv)->CallObjectMethod(jenv, s, get_bytes, charset);
  (*jenv)->DeleteLocalRef(jenv, charset);
  if (bytes == NULL || (*jenv)->ExceptionCheck(jenv)) return NULL;
  n = (*jenv)->GetArrayLength(jenv, bytes);
  out = (char*)malloc((size_t)n + 1);
  if (out == NULL) {
    (*jenv)->DeleteLocalRef(jenv, bytes);
    SWIG_JavaThrowException(jenv, SWIG_JavaOutOfMemoryError, "out of memory");
    return NULL;
  }
  (*jenv)->GetByteArrayRegion(jenv, bytes, 0, n, (jbyte*)out);
  (*jenv)->DeleteLocalRef(jenv, bytes);
  out[n] = '\0';
  if (memchr(out, '\0', (size_t)n) != NULL) {
    free(out);
    wkd_jni_throw_inval(jenv, "string contains a NUL character");
    return NULL;
  }
  return out;
}

/* A new Java string decoded from UTF-8; NULL for NULL. */
static jstring wkd_jni_string(JNIEnv* jenv, const char* s) {
  jclass cls;
  jmethodID ctor;
  jstring charset;
  jbyteArray bytes;
  jstring out;
  size_t n;
  if (s == NULL) return NULL;
  n = strlen(s);
  cls = (*jenv)->FindClass(jenv, "java/lang/String");
  if (cls == NULL) return NULL;
  ctor = (*jenv)->GetMethodID(jenv, cls, "<init>", "([BLjava/lang/String;)V");
  if (ctor == NULL) return NULL;
  bytes = (*jenv)->NewByteArray(jenv, (jsize)n);
  if (bytes == NULL) return NULL;
  (*jenv)->SetByteArrayRegion(jenv, bytes, 0, (jsize)n, (const jbyte*)s);
  charset = (*jenv)->NewStringUTF(jenv, "UTF-8");
  if (charset == NULL) return NULL;
  out = (jstring)(*jenv)->NewObject(jenv, cls, ctor, bytes, charset);
  (*jenv)->DeleteLocalRef(jenv, bytes);
  (*jenv)->DeleteLocalRef(jenv, charset);
  (*jenv)->DeleteLocalRef(jenv, cls);
  return out;
}

/* Copies a Java String[] into a malloc'd array of malloc'd UTF-8 strings.
   Returns 0 and throws NullPointerException (or OutOfMemoryError) on failure. */
static int wkd_jni_strings(JNIEnv* jenv, jobjectArray arr, char*** out, size_t* n_out) {
  jsize n, i;
  char** v;
  *out = NULL;
  *n_out = 0;
  if (arr == NULL) return 1;
  n = (*jenv)->GetArrayLength(jenv, arr);
  v = (char**)calloc((size_t)n + 1, sizeof(char*));
  if (v == NULL) {
    SWIG_JavaThrowException(jenv, SWIG_JavaOutOfMemoryError, "out of memory");
    return 0;
  }
  for (i = 0; i < n; i++) {
    jstring s = (jstring)(*jenv)->GetObjectArrayElement(jenv, arr, i);
    if (s == NULL) {
      SWIG_JavaThrowException(jenv, SWIG_JavaNullPointerException, "null element in a string array");
      goto fail;
    }
    v[i] = wkd_jni_utf8(jenv, s);
    (*jenv)->DeleteLocalRef(jenv, s);
    if (v[i] == NULL) goto fail;
  }
  *out = v;
  *n_out = (size_t)n;
  return 1;
fail:
  for (i = 0; i < n; i++) free(v[i]);
  free(v);
  return 0;
}

static void wkd_jni_free_strings(char** v, size_t n) {
  size_t i;
  if (v == NULL) return;
  for (i = 0; i < n; i++) free(v[i]);
  free(v);
}

/* A malloc'd copy (NULL for NULL or when memory runs out). */
static char* wkd_jni_strdup_or_null(const char* s) {
  size_t n;
  char* p;
  if (s == NULL) return NULL;
  n = strlen(s) + 1;
  p = (char*)malloc(n);
  if (p != NULL) memcpy(p, s, n);
  return p;
}

/* Sets holder[0] to a new Java string (or null). */
static void wkd_jni_set_string(JNIEnv* jenv, jobjectArray holder, const char* s) {
  jstring js = NULL;
  if (s != NULL) {
    js = wkd_jni_string(jenv, s);
    if (js == NULL) return;
  }
  (*jenv)->SetObjectArrayElement(jenv, holder, 0, js);
}
%}

%include <stdint.i>
%include <typemaps.i>
%include <enumtypeunsafe.swg>
%javaconst(1);
/* A C unsigned literal ("0x1u") is no Java literal. */
%javaconstvalue(1) WKD_WATCH_INITIAL;
%javaconstvalue(1048576) WKD_LOG_QUEUE_MAX_CAPACITY;

/* ---- load the library from the facade ------------------------------------------ */
%pragma(java) jniclasscode=%{
  static {
    NativeLoader.load();
  }
%}

/* ---- strings: standard UTF-8 both ways ------------------------------------------- */
%typemap(in, noblock=1) const char*, char* {
  $1 = NULL;
  if ($input != NULL) {
    $1 = ($1_ltype)wkd_jni_utf8(jenv, $input);
    if ($1 == NULL) return $null;
  }
}
%typemap(freearg, noblock=1) const char*, char* { free((void*)$1); }
%typemap(out, noblock=1) const char*, char* { $result = wkd_jni_string(jenv, $1); }

/* ---- errors ------------------------------------------------------------------------ */
%typemap(in, numinputs=0) wkd_error* err (wkd_error errtmp) %{
  wkd_error_init(&errtmp);
  $1 = &errtmp;
%}
%typemap(argout, noblock=1) wkd_error* err {
  if (result != WKD_OK) wkd_jni_throw(jenv, result, &errtmp$argnum);
}

/* ---- opaque handles as longs ------------------------------------------------------- */
%define WKD_HANDLE(TYPE)
%typemap(jni) TYPE*, const TYPE* "jlong"
%typemap(jtype) TYPE*, const TYPE* "long"
%typemap(jstype) TYPE*, const TYPE* "long"
%typemap(javain) TYPE*, const TYPE* "$javainput"
%typemap(javaout) TYPE*, const TYPE* { return $jnicall; }
%typemap(in) TYPE*, const TYPE* %{ $1 = ($1_ltype)(intptr_t)$input; %}
%typemap(out) TYPE*, const TYPE* %{ $result = (jlong)(intptr_t)$1; %}

%typemap(jni) TYPE** "jlongArray"
%typemap(jtype) TYPE** "long[]"
%typemap(jstype) TYPE** "long[]"
%typemap(javain) TYPE** "$javainput"
%typemap(in) TYPE** (TYPE* handletmp) %{
  if ($input == NULL || (*jenv)->GetArrayLength(jenv, $input) < 1) {
    SWIG_JavaThrowException(jenv, SWIG_JavaNullPointerException, "handle holder must be a long[1]");
    return $null;
  }
  handletmp = NULL;
  $1 = &handletmp;
%}
%typemap(argout, noblock=1) TYPE** {
  {
    jlong hv = (jlong)(intptr_t)handletmp$argnum;
    (*jenv)->SetLongArrayRegion(jenv, $input, 0, 1, &hv);
  }
}
%enddef

WKD_HANDLE(wkd_node_t)
WKD_HANDLE(struct wkd_node)
WKD_HANDLE(wkd_config_t)
WKD_HANDLE(struct wkd_config)
WKD_HANDLE(wkd_members_t)
WKD_HANDLE(struct wkd_members)
WKD_HANDLE(wkd_watch_t)
WKD_HANDLE(struct wkd_watch_handle)
WKD_HANDLE(wkd_event_t)
WKD_HANDLE(struct wkd_event)
WKD_HANDLE(wkd_log_queue_t)
WKD_HANDLE(struct wkd_log_queue)

/* ---- scalar out-parameters: one-element arrays ------------------------------------- */
%apply int* OUTPUT { int* joined_out, int* fd_out };
%apply unsigned short* OUTPUT { uint16_t* port_out };
%apply long long* OUTPUT { int64_t* out, uint64_t* ltime_out };
%apply bool* OUTPUT { bool* out };
%apply int* OUTPUT { wkd_option* out };
%apply long long { uint64_t };

/* const char** out-parameters: String[1] holders. */
%typemap(jni) const char** out, const char** name_out "jobjectArray"
%typemap(jtype) const char** out, const char** name_out "String[]"
%typemap(jstype) const char** out, const char** name_out "String[]"
%typemap(javain) const char** out, const char** name_out "$javainput"
%typemap(in) const char** out (const char* strtmp), const char** name_out (const char* strtmp) %{
  if ($input == NULL || (*jenv)->GetArrayLength(jenv, $input) < 1) {
    SWIG_JavaThrowException(jenv, SWIG_JavaNullPointerException, "string holder must be a String[1]");
    return $null;
  }
  strtmp = NULL;
  $1 = ($1_ltype)&strtmp;
%}
%typemap(argout, noblock=1) const char** out, const char** name_out {
  if (result == WKD_OK) wkd_jni_set_string(jenv, $input, strtmp$argnum);
}

/* wkd_node_local_addr's (buf, size): a String[1] holder. */
%typemap(jni) (char* buf, size_t buf_size) "jobjectArray"
%typemap(jtype) (char* buf, size_t buf_size) "String[]"
%typemap(jstype) (char* buf, size_t buf_size) "String[]"
%typemap(javain) (char* buf, size_t buf_size) "$javainput"
%typemap(in) (char* buf, size_t buf_size) (char addrtmp[64]) %{
  if ($input == NULL || (*jenv)->GetArrayLength(jenv, $input) < 1) {
    SWIG_JavaThrowException(jenv, SWIG_JavaNullPointerException, "string holder must be a String[1]");
    return $null;
  }
  addrtmp[0] = '\0';
  $1 = addrtmp;
  $2 = sizeof(addrtmp);
%}
%typemap(argout, noblock=1) (char* buf, size_t buf_size) {
  if (result == WKD_OK) wkd_jni_set_string(jenv, $input, addrtmp$argnum);
}

/* wkd_event_user's (payload, len): a byte[][1] holder. */
%typemap(jni) (const uint8_t** payload_out, size_t* len_out) "jobjectArray"
%typemap(jtype) (const uint8_t** payload_out, size_t* len_out) "byte[][]"
%typemap(jstype) (const uint8_t** payload_out, size_t* len_out) "byte[][]"
%typemap(javain) (const uint8_t** payload_out, size_t* len_out) "$javainput"
%typemap(in) (const uint8_t** payload_out, size_t* len_out) (const uint8_t* payloadtmp, size_t lentmp) %{
  if ($input == NULL || (*jenv)->GetArrayLength(jenv, $input) < 1) {
    SWIG_JavaThrowException(jenv, SWIG_JavaNullPointerException, "payload holder must be a byte[1][]");
    return $null;
  }
  payloadtmp = NULL;
  lentmp = 0;
  $1 = ($1_ltype)&payloadtmp;
  $2 = &lentmp;
%}
%typemap(argout, noblock=1) (const uint8_t** payload_out, size_t* len_out) {
  if (result == WKD_OK) {
    jbyteArray bytes = (*jenv)->NewByteArray(jenv, (jsize)lentmp$argnum);
    if (bytes != NULL) {
      if (lentmp$argnum > 0)
        (*jenv)->SetByteArrayRegion(jenv, bytes, 0, (jsize)lentmp$argnum, (const jbyte*)payloadtmp$argnum);
      (*jenv)->SetObjectArrayElement(jenv, $input, 0, bytes);
    }
  }
}

/* Payloads in: byte[] (null = empty). */
%apply (const char* STRING, size_t LENGTH) { (const uint8_t* payload, size_t len) };

/* (strings, count) in: String[]. */
%typemap(jni) (const char* const* seeds, size_t n_seeds), (const char* const* list, size_t n) "jobjectArray"
%typemap(jtype) (const char* const* seeds, size_t n_seeds), (const char* const* list, size_t n) "String[]"
%typemap(jstype) (const char* const* seeds, size_t n_seeds), (const char* const* list, size_t n) "String[]"
%typemap(javain) (const char* const* seeds, size_t n_seeds), (const char* const* list, size_t n) "$javainput"
%typemap(in) (const char* const* seeds, size_t n_seeds) (char** strv, size_t strn),
             (const char* const* list, size_t n) (char** strv, size_t strn) %{
  if (!wkd_jni_strings(jenv, $input, &strv, &strn)) return $null;
  $1 = ($1_ltype)strv;
  $2 = strn;
%}
%typemap(freearg, noblock=1) (const char* const* seeds, size_t n_seeds), (const char* const* list, size_t n) {
  wkd_jni_free_strings(strv$argnum, strn$argnum);
}

/* Keyring listing: String[][1] holder, filled from the list, which is then freed. */
%typemap(jni) wkd_key_list** out "jobjectArray"
%typemap(jtype) wkd_key_list** out "String[][]"
%typemap(jstype) wkd_key_list** out "String[][]"
%typemap(javain) wkd_key_list** out "$javainput"
%typemap(in) wkd_key_list** out (wkd_key_list* keystmp) %{
  if ($input == NULL || (*jenv)->GetArrayLength(jenv, $input) < 1) {
    SWIG_JavaThrowException(jenv, SWIG_JavaNullPointerException, "key holder must be a String[1][]");
    return $null;
  }
  keystmp = NULL;
  $1 = &keystmp;
%}
%typemap(argout, noblock=1) wkd_key_list** out {
  if (result == WKD_OK && keystmp$argnum != NULL) {
    jclass strcls = (*jenv)->FindClass(jenv, "java/lang/String");
    jobjectArray keys = strcls ? (*jenv)->NewObjectArray(jenv, (jsize)keystmp$argnum->count, strcls, NULL) : NULL;
    size_t ki;
    for (ki = 0; keys != NULL && ki < keystmp$argnum->count; ki++) {
      jstring ks = wkd_jni_string(jenv, keystmp$argnum->keys[ki]);
      if (ks == NULL) { keys = NULL; break; }
      (*jenv)->SetObjectArrayElement(jenv, keys, (jsize)ki, ks);
      (*jenv)->DeleteLocalRef(jenv, ks);
    }
    if (keys != NULL) (*jenv)->SetObjectArrayElement(jenv, $input, 0, keys);
  }
  wkd_key_list_free(keystmp$argnum);
}

/* Watches and log sinks: always without a C callback. */
%typemap(in, numinputs=0) (wkd_watch_cb cb, void* user_data) %{ $1 = NULL; $2 = NULL; %}
%typemap(in, numinputs=0) (wkd_log_cb cb, void* user_data) %{ $1 = NULL; $2 = NULL; %}

/* ---- sized structs ------------------------------------------------------------------ */

/* Not needed from Java: the wrappers initialise their own structs. */
%ignore wkd_error_init;
%ignore wkd_registration_init;
%ignore wkd_error;
%ignore wkd_key_list;
%ignore wkd_key_list_free;
%ignore wkd_kv;

/* Read-only outputs: the library fills them. */
%immutable wkd_option_info::name;
%immutable wkd_option_info::since;
%immutable wkd_option_info::description;
%extend wkd_option_info {
  wkd_option_info() {
    wkd_option_info init = WKD_OPTION_INFO_INIT;
    wkd_option_info* p = (wkd_option_info*)malloc(sizeof *p);
    if (p != NULL) *p = init;
    return p;
  }
  ~wkd_option_info() { free($self); }
}

%extend wkd_stats {
  wkd_stats() {
    wkd_stats init = WKD_STATS_INIT;
    wkd_stats* p = (wkd_stats*)malloc(sizeof *p);
    if (p != NULL) *p = init;
    return p;
  }
  ~wkd_stats() { free($self); }
}

/* The library's tables of constants and of wkd_stats fields
   (ConstantsTest checks the Java enums and Stats against them). */
%immutable wkd_constant_info::group;
%immutable wkd_constant_info::name;
%immutable wkd_constant_info::text;
%extend wkd_constant_info {
  wkd_constant_info() {
    wkd_constant_info init = WKD_CONSTANT_INFO_INIT;
    wkd_constant_info* p = (wkd_constant_info*)malloc(sizeof *p);
    if (p != NULL) *p = init;
    return p;
  }
  ~wkd_constant_info() { free($self); }
}
%immutable wkd_stat_info::name;
%immutable wkd_stat_info::kind;
%immutable wkd_stat_info::help;
%extend wkd_stat_info {
  wkd_stat_info() {
    wkd_stat_info init = WKD_STAT_INFO_INIT;
    wkd_stat_info* p = (wkd_stat_info*)malloc(sizeof *p);
    if (p != NULL) *p = init;
    return p;
  }
  ~wkd_stat_info() { free($self); }
}

%immutable wkd_member_info::name;
%immutable wkd_member_info::address;
%immutable wkd_member_info::database_type;
%immutable wkd_member_info::wire_protocol;
%immutable wkd_member_info::endpoint;
%immutable wkd_member_info::wkd_version;
%ignore wkd_member_info::tags;
%ignore wkd_member_info::groups;
%ignore wkd_member_info::capabilities;
%extend wkd_member_info {
  wkd_member_info() {
    wkd_member_info init = WKD_MEMBER_INFO_INIT;
    wkd_member_info* p = (wkd_member_info*)malloc(sizeof *p);
    if (p != NULL) *p = init;
    return p;
  }
  ~wkd_member_info() { free($self); }
  const char* group_at(size_t i) { return i < $self->n_groups ? $self->groups[i] : NULL; }
  const char* capability_at(size_t i) { return i < $self->n_capabilities ? $self->capabilities[i] : NULL; }
  const char* tag_key_at(size_t i) { return i < $self->n_tags ? $self->tags[i].key : NULL; }
  const char* tag_value_at(size_t i) { return i < $self->n_tags ? $self->tags[i].value : NULL; }
}

/* Input structs own copies of their strings. */
%immutable wkd_member_filter::group;
%immutable wkd_member_filter::database_type;
%immutable wkd_member_filter::wire_protocol;
%immutable wkd_member_filter::tag_key;
%immutable wkd_member_filter::tag_value;
%extend wkd_member_filter {
  wkd_member_filter() {
    wkd_member_filter init = WKD_MEMBER_FILTER_INIT;
    wkd_member_filter* p = (wkd_member_filter*)malloc(sizeof *p);
    if (p != NULL) *p = init;
    return p;
  }
  ~wkd_member_filter() {
    free((void*)$self->group);
    free((void*)$self->database_type);
    free((void*)$self->wire_protocol);
    free((void*)$self->tag_key);
    free((void*)$self->tag_value);
    free($self);
  }
  void set_group(const char* v) { free((void*)$self->group); $self->group = wkd_jni_strdup_or_null(v); }
  void set_database_type(const char* v) {
    free((void*)$self->database_type);
    $self->database_type = wkd_jni_strdup_or_null(v);
  }
  void set_wire_protocol(const char* v) {
    free((void*)$self->wire_protocol);
    $self->wire_protocol = wkd_jni_strdup_or_null(v);
  }
  void set_tag(const char* key, const char* value) {
    free((void*)$self->tag_key);
    free((void*)$self->tag_value);
    $self->tag_key = wkd_jni_strdup_or_null(key);
    $self->tag_value = wkd_jni_strdup_or_null(value);
  }
}

%immutable wkd_registration::database_type;
%immutable wkd_registration::wire_protocol;
%immutable wkd_registration::endpoint;
%ignore wkd_registration::groups;
%ignore wkd_registration::capabilities;
%ignore wkd_registration::tags;
%immutable wkd_registration::n_groups;
%immutable wkd_registration::n_capabilities;
%immutable wkd_registration::n_tags;
%extend wkd_registration {
  wkd_registration() {
    wkd_registration init = WKD_REGISTRATION_INIT;
    wkd_registration* p = (wkd_registration*)malloc(sizeof *p);
    if (p != NULL) *p = init;
    return p;
  }
  ~wkd_registration() {
    size_t i;
    free((void*)$self->database_type);
    free((void*)$self->wire_protocol);
    free((void*)$self->endpoint);
    wkd_jni_free_strings((char**)$self->groups, $self->n_groups);
    wkd_jni_free_strings((char**)$self->capabilities, $self->n_capabilities);
    for (i = 0; i < $self->n_tags; i++) {
      free((void*)$self->tags[i].key);
      free((void*)$self->tags[i].value);
    }
    free((void*)$self->tags);
    free($self);
  }
  void set_database_type(const char* v) {
    free((void*)$self->database_type);
    $self->database_type = wkd_jni_strdup_or_null(v);
  }
  void set_wire_protocol(const char* v) {
    free((void*)$self->wire_protocol);
    $self->wire_protocol = wkd_jni_strdup_or_null(v);
  }
  void set_endpoint(const char* v) {
    free((void*)$self->endpoint);
    $self->endpoint = wkd_jni_strdup_or_null(v);
  }
  /* Copies the list; the String[] typemap has checked every element. */
  void set_groups(const char* const* list, size_t n) {
    size_t i;
    char** v = (char**)calloc(n + 1, sizeof(char*));
    wkd_jni_free_strings((char**)$self->groups, $self->n_groups);
    $self->groups = NULL;
    $self->n_groups = 0;
    if (v == NULL) return;
    for (i = 0; i < n; i++) v[i] = wkd_jni_strdup_or_null(list[i]);
    $self->groups = (const char* const*)v;
    $self->n_groups = n;
  }
  void set_capabilities(const char* const* list, size_t n) {
    size_t i;
    char** v = (char**)calloc(n + 1, sizeof(char*));
    wkd_jni_free_strings((char**)$self->capabilities, $self->n_capabilities);
    $self->capabilities = NULL;
    $self->n_capabilities = 0;
    if (v == NULL) return;
    for (i = 0; i < n; i++) v[i] = wkd_jni_strdup_or_null(list[i]);
    $self->capabilities = (const char* const*)v;
    $self->n_capabilities = n;
  }
  /* Appends a free tag. */
  void add_tag(const char* key, const char* value) {
    wkd_kv* grown = (wkd_kv*)realloc((void*)$self->tags, ($self->n_tags + 1) * sizeof(wkd_kv));
    if (grown == NULL) return;
    grown[$self->n_tags].key = wkd_jni_strdup_or_null(key);
    grown[$self->n_tags].value = wkd_jni_strdup_or_null(value);
    $self->tags = grown;
    $self->n_tags++;
  }
}

%immutable wkd_watch_spec::name;
%extend wkd_watch_spec {
  wkd_watch_spec() {
    wkd_watch_spec init = WKD_WATCH_SPEC_INIT;
    wkd_watch_spec* p = (wkd_watch_spec*)malloc(sizeof *p);
    if (p != NULL) *p = init;
    return p;
  }
  ~wkd_watch_spec() {
    free((void*)$self->name);
    free($self);
  }
  void set_name(const char* v) { free((void*)$self->name); $self->name = wkd_jni_strdup_or_null(v); }
}

/* A log queue entry: filled by wkd_log_queue_next, its strings read at once. */
%immutable wkd_log_entry::node_name;
%immutable wkd_log_entry::message;
%extend wkd_log_entry {
  wkd_log_entry() {
    wkd_log_entry init = WKD_LOG_ENTRY_INIT;
    wkd_log_entry* p = (wkd_log_entry*)malloc(sizeof *p);
    if (p != NULL) *p = init;
    return p;
  }
  ~wkd_log_entry() { free($self); }
}

/* ---- the headers, unchanged --------------------------------------------------------- */
%include "wkd/common.h"
%include "wkd/version.h"
%include "wkd/status.h"
%include "wkd/config.h"
%include "wkd/registration.h"
%include "wkd/member.h"
%include "wkd/watch.h"
%include "wkd/stats.h"
%include "wkd/node.h"
%include "wkd/constants.h"
%include "wkd/keyring.h"
%include "wkd/sys/log.h"
