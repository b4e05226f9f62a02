/* json.c: see json.h. */
#include "json.h"

#include "gw_json.h"

json_t *sd_json_error_new(int status, const char *message)
{
    json_t *e = json_object();
    json_object_set_new(e, "status", json_integer(status));
    json_object_set_new(e, "message", gw_json_str(message));
    return e;
}

void sd_json_error(gw_buf *out, int status, const char *message)
{
    json_t *o = json_object();
    json_object_set_new(o, "error", sd_json_error_new(status, message));
    gw_json_append(out, o, GW_JSON_COMPACT);
    gw_buf_putc(out, '\n');
    json_decref(o);
}
