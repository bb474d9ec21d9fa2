/* SPDX-License-Identifier: MIT */
/* shell_cmd.c - see shell_cmd.h.  Pure: no syscalls, no allocation. */
#include "shell_cmd.h"

#include <string.h>

static int is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

/* NAME=... written unquoted at the start of the raw word. */
static int is_assignment(const char *raw)
{
    if (!is_name_start(*raw))
        return 0;
    while (is_name_char(*raw))
        raw++;
    return *raw == '=';
}

static int is_reserved(const char *w)
{
    static const char *const reserved[] = {
        "if", "then", "else", "elif", "fi", "do", "done", "case", "esac",
        "while", "until", "for", "in", "function", "select", "time", "!",
        "{", "}", "[[", "]]",
    };
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (strcmp(w, reserved[i]) == 0)
            return 1;
    return 0;
}

int shell_cmd_parse(const char *cmd, char *buf, char **words, size_t max_words,
                    struct shell_cmd *out)
{
    static const char special[] = ";&|<>()$`\\*?[]{}~#!\n\r";
    memset(out, 0, sizeof *out);
    out->words = words;
    size_t n = 0, cmd_index = 0, cmd_offset = 0;
    int seen_cmd = 0;
    const char *p = cmd;
    char *o = buf;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        if (n == max_words)
            return -1;
        const char *raw = p;
        words[n] = o;
        while (*p != '\0' && *p != ' ' && *p != '\t') {
            if (*p == '\'') {
                const char *end = strchr(p + 1, '\'');
                if (end == NULL)
                    return -1;
                memcpy(o, p + 1, (size_t)(end - p - 1));
                o += end - p - 1;
                p = end + 1;
            } else if (*p == '"') {
                for (p++; *p != '"'; p++) {
                    if (*p == '\0' || *p == '$' || *p == '`' || *p == '\\')
                        return -1;
                    *o++ = *p;
                }
                p++;
            } else if (strchr(special, *p) != NULL) {
                return -1;
            } else {
                *o++ = *p++;
            }
        }
        *o++ = '\0';
        if (!seen_cmd && !is_assignment(raw)) {
            seen_cmd = 1;
            cmd_index = n;
            cmd_offset = (size_t)(raw - cmd);
            if (is_reserved(words[n]))
                return -1;
        }
        n++;
    }
    if (!seen_cmd)
        return -1;
    words[n] = NULL;
    out->n_words = n;
    out->cmd = cmd_index;
    out->cmd_offset = cmd_offset;
    return 0;
}
