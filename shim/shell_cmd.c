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
    static const char reserved[][9] = {
        "if", "then", "else", "elif", "fi", "do", "done", "case", "esac",
        "while", "until", "for", "in", "function", "select", "time", "!",
        "{", "}", "[[", "]]",
    };
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (strcmp(w, reserved[i]) == 0)
            return 1;
    return 0;
}

/* The word starting at *p (no leading blank) copied to *o without its
 * quotes; *p and *o move past it.  -1 when it holds anything the shell
 * would expand, redirect, chain or comment out, or an unclosed quote. */
static int read_word(const char **p, char **o)
{
    static const char special[] = ";&|<>()$`\\*?[]{}~#!\n\r";
    const char *s = *p;
    char *d = *o;
    while (*s != '\0' && *s != ' ' && *s != '\t') {
        if (*s == '\'') {
            const char *end = strchr(s + 1, '\'');
            if (end == NULL)
                return -1;
            memcpy(d, s + 1, (size_t)(end - s - 1));
            d += end - s - 1;
            s = end + 1;
        } else if (*s == '"') {
            for (s++; *s != '"'; s++) {
                if (*s == '\0' || *s == '$' || *s == '`' || *s == '\\')
                    return -1;
                *d++ = *s;
            }
            s++;
        } else if (strchr(special, *s) != NULL) {
            return -1;
        } else {
            *d++ = *s++;
        }
    }
    *d++ = '\0';
    *p = s;
    *o = d;
    return 0;
}

int shell_cmd_parse(const char *cmd, char *buf, char **words, size_t max_words,
                    struct shell_cmd *out)
{
    memset(out, 0, sizeof *out);
    out->words = words;
    size_t n = 0;
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
        if (read_word(&p, &o) != 0)
            return -1;
        if (!seen_cmd && !is_assignment(raw)) {
            seen_cmd = 1;
            out->cmd = n;
            out->cmd_offset = (size_t)(raw - cmd);
            if (is_reserved(words[n]))
                return -1;
        }
        n++;
    }
    if (!seen_cmd)
        return -1;
    words[n] = NULL;
    out->n_words = n;
    return 0;
}
