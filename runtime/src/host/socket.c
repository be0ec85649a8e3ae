/*
 * socket.c — weft_socket_connect: a WebSocket as a descriptor. The host
 * function weft_socket_connect (runtime/js/fd.mjs's connectSocket) opens
 * it and resolves once it is open with its { readable, writable } streams,
 * which become a JS stream descriptor (stream.c). The wait to connect is
 * a JS call's (WEFT_WAIT_JS_CALL).
 */
#include <stddef.h>
#include "host.h"

int weft_socket_connect(const char *url) {
  if (!url) return report_error(WEFT_EINVAL, "weft_socket_connect: NULL url");
  weft_handle h = 0;
  int rc = weft_call("weft_socket_connect", "s>h", url, &h);
  if (rc) return rc;
  int fd = weft_stream_open(h);
  weft_handle_free(h); /* the descriptor holds the streams now */
  return fd;
}
