/*
 * conf.h - the configuration file (README "Configuration";
 * conf/autodbm.conf.example).
 *
 * Format: "key = value" lines, '#' starts a comment line, blank lines
 * ignored.  Relative paths are resolved against the directory of the
 * file.  Unknown keys and bad values are errors naming the file and line.
 * Without a file (conf_defaults()) the embedded defaults apply, with
 * paths relative to the current directory.
 *
 * Ownership: conf_t is filled by conf_load()/conf_defaults() and owns its
 * strings; release with conf_free().
 */
#ifndef AUTODBM_CONF_H
#define AUTODBM_CONF_H

#include <stddef.h>

#include "util/err.h"
#include "util/ipaddr.h"
#include "util/strv.h"

/** Outgoing mail delivery methods. */
enum conf_delivery { CONF_DELIVERY_SMTP, CONF_DELIVERY_MAILDIR };

/** The configuration.  All paths are absolute or relative to the cwd. */
typedef struct conf {
    char *path;             /**< the file read, or NULL for defaults */
    char *source;           /**< source: of this registry ("TEST") */
    char *database;         /**< LMDB directory */
    char *robot_address;    /**< From: of acks and notifications */
    int delivery;           /**< enum conf_delivery */
    char *smtp_server;      /**< host:port */
    char *outbox;           /**< Maildir for delivery = maildir */
    char *gnupg_home;       /**< the registry's private GnuPG home */
    char *archive;          /**< where incoming mails and acks are kept;
                                 NULL when switched off ("archive = none") */
    size_t map_size;        /**< initial LMDB map size in bytes */
    int allow_override;     /**< override: lines accepted by mail (default
                                 no: "Override not allowed in email update") */
    char *override_password;/**< crypt hash ($1$, $2b$ or DES) the override
                                 password must match; NULL: none */
    long signature_max_age; /**< seconds a PGP signature may be old
                                 (signature_max_age, default 3600) */
    /* Limits on incoming mail (README "Limits").  Beyond any of them the
     * mail is answered with an error ack and nothing is applied. */
    size_t max_mail_size;   /**< bytes of one mail (max_mail_size) */
    unsigned max_mime_depth;/**< MIME nesting levels (max_mime_depth) */
    unsigned max_mime_parts;/**< MIME parts of one mail (max_mime_parts) */
    size_t max_header_size; /**< bytes of all header blocks of one mail,
                                 the mail's and its parts' together
                                 (max_header_size) */
    unsigned max_objects;   /**< objects (paragraphs) per mail (max_objects) */
    size_t max_object_size; /**< bytes of one paragraph (max_object_size) */
    unsigned max_passwords; /**< password: lines per mail (max_passwords) */
    unsigned max_signed_blocks; /**< PGP signatures checked per mail: inline
                                 clearsigned blocks and PGP/MIME parts
                                 (max_signed_blocks) */
    size_t max_line_length; /**< bytes of one line of update text
                                 (max_line_length) */
    unsigned max_paragraphs;/**< paragraphs of update text per mail,
                                 objects or not, counted before they are
                                 split (max_paragraphs) */
    unsigned max_notify_values; /**< notify:, mnt-nfy:, upd-to:, irt-nfy:
                                 and ref-nfy: values of one object, together
                                 (max_notify_values): beyond, the create or
                                 modify fails */
    unsigned max_recipients;/**< distinct addresses the notifications of
                                 one mail go to (max_recipients): beyond,
                                 the mail is refused, nothing applied */
    size_t max_notify_bytes;/**< bytes of the notification mails of one
                                 mail together, each as delivered (headers
                                 and encoded body), an object told to many
                                 addresses counted once per address
                                 (max_notify_bytes): beyond, the mail is
                                 refused, nothing applied */
    unsigned bcrypt_max_cost; /**< highest BCRYPT-PW cost accepted on
                                 create/modify and computed when a password
                                 is checked (bcrypt_max_cost, 4..31) */
    unsigned max_password_checks; /**< crypt hashes the passwords of one
                                 mail may compute together, against all
                                 auth: lines (max_password_checks): the
                                 writer lock is held meanwhile */
    unsigned max_passes;    /**< passes over the objects of one mail
                                 (max_passes): objects that fail are tried
                                 again while another one succeeded, each
                                 pass costing a full check of every object
                                 left; beyond, the mail is refused, nothing
                                 applied */
    /* Registry policy (authz.h, rules.h). */
    strv_t power_maintainers; /**< power_maintainers = A-MNT, B-MNT: the
                                 database administration's mntners (RIPE's
                                 RIPE-NCC-HM-MNT ...); empty by default */
    strv_t allowed_sources; /**< allowed_sources = TEST-NONAUTH, ...: source:
                                 values besides `source` that updates may
                                 use (default none) */
    long lock_timeout;      /**< lock_timeout = seconds a writer waits for
                                 the store's writer lock before giving up
                                 with a temporary failure (default 300,
                                 below Postfix's pipe time limit) */
    int hierarchical_as_sets; /**< hierarchical_as_sets = yes|no: new
                                 as-sets need an AS1:AS-X name (default yes) */
    int sync_allow_get;     /**< sync_allow_get = yes|no: syncupdates
                                 applies DATA sent by GET (default no: 403,
                                 as RIPE) */
    int sync_keep_unicode;  /**< sync_keep_unicode = yes|no: syncupdates
                                 keeps characters beyond Latin-1 in the
                                 update text (default no: "?", as RIPE) */
    size_t sync_max_request_size; /**< bytes of one syncupdates request
                                 body; beyond, 413 (default
                                 CONF_DEFAULT_SYNC_MAX_REQUEST_SIZE) */
    unsigned sync_max_parts; /**< parts of one multipart/form-data
                                 syncupdates request; beyond, 413 (default
                                 CONF_DEFAULT_SYNC_MAX_PARTS) */
    size_t sync_max_part_header_size; /**< bytes of the header of one such
                                 part; beyond, 413 (default
                                 CONF_DEFAULT_SYNC_MAX_PART_HEADER_SIZE) */
    long sync_read_timeout; /**< seconds within which a syncupdates
                                 request body must have come; beyond, 408
                                 (default CONF_DEFAULT_SYNC_READ_TIMEOUT) */
    strv_t sync_trusted_proxies; /**< sync_trusted_proxies = addresses or
                                 CIDR prefixes: clients whose ORIGIN
                                 parameter and X-Forwarded-For header name
                                 the real client; empty by default */
    /* The query server autodbm-whoisd (src/whoisd/, autodbm.conf(5)). */
    strv_t whois_listen;    /**< whois_listen = 127.0.0.1:43, [::1]:43:
                                 addresses it listens on, host:port each,
                                 an IPv6 host in brackets */
    unsigned whois_max_connections; /**< connections at once; beyond, no
                                 new one is accepted until one ends */
    unsigned whois_max_connections_per_address; /**< connections at once
                                 from one client address; beyond,
                                 %ERROR:306 and close */
    size_t whois_max_query_length; /**< bytes of one query line; beyond,
                                 %ERROR:107 and close */
    long whois_idle_timeout;/**< seconds a connection may wait for a
                                 query line (or its client not read);
                                 beyond, %ERROR:305 and close */
    long whois_query_timeout; /**< seconds one query may take in all,
                                 its output included; beyond, close */
    unsigned whois_max_objects; /**< objects (or list items) per answer;
                                 beyond, an error and close */
    size_t whois_max_buffered; /**< bytes of answers waiting in the server
                                 for their clients to read them, all
                                 connections together; beyond, the
                                 connection with the most is closed */
    unsigned whois_max_readers; /**< answers ("!m" "!o" "!r", RIPE-style
                                 ones) streaming objects from a
                                 store snapshot at once (each holds one
                                 of LMDB's 126 reader slots and its list
                                 of keys); beyond, a query that would
                                 start one waits for one to end */
    int whois_log;          /**< whois_log = yes|no: one log line per
                                 connection (default yes) */
    char *whois_name;       /**< the registry's name in the banner
                                 ("% This is the NAME Database query
                                 service."); NULL: the source */
    char *whois_terms_url;  /**< the terms and conditions URL of the
                                 banner */
    unsigned whois_personal_limit; /**< person and role objects one
                                 client address may be sent per UTC day
                                 (RIPE's query ACL); beyond, %ERROR:201;
                                 0: no limit */
    strv_t whois_personal_exempt; /**< addresses and networks the limit
                                 does not apply to (default the loopback
                                 networks; "none": none) */
    unsigned whois_personal_table; /**< client addresses counted at most
                                 (the oldest is dropped for a new one) */
    unsigned whois_workers; /**< threads computing the "!" answers that
                                 may take long (set expansions ...), so
                                 that they do not delay the others; each
                                 holds a store snapshot while it works */
} conf_t;

/** Default limits (see conf_t and README "Limits"). */
#define CONF_DEFAULT_MAX_MAIL_SIZE   ((size_t)10 << 20)
#define CONF_DEFAULT_MAX_MIME_DEPTH  32u
#define CONF_DEFAULT_MAX_MIME_PARTS  1000u
/* 512K: the header blocks of a 1,000-part mail at 500 bytes each, or ten
 * times the header of a much-forwarded mail; GMime spends some 400 bytes
 * on each field it builds, so at most ~70 MB (175,000 three-byte fields). */
#define CONF_DEFAULT_MAX_HEADER_SIZE ((size_t)512 << 10)
#define CONF_DEFAULT_MAX_OBJECTS     1000u
#define CONF_DEFAULT_MAX_OBJECT_SIZE ((size_t)1 << 20)
#define CONF_DEFAULT_MAX_PASSWORDS   20u
#define CONF_DEFAULT_MAX_SIGNED_BLOCKS 50u
#define CONF_DEFAULT_MAX_LINE_LENGTH ((size_t)64 << 10)
#define CONF_DEFAULT_MAX_PARAGRAPHS  5000u
#define CONF_DEFAULT_MAX_NOTIFY_VALUES 20u
#define CONF_DEFAULT_MAX_RECIPIENTS  200u
/* 64M: six times a full max_mail_size mail; a 1,000-object mail of 1M
 * told to a handful of addresses makes a few MB */
#define CONF_DEFAULT_MAX_NOTIFY_BYTES ((size_t)64 << 20)
#define CONF_DEFAULT_BCRYPT_MAX_COST 12u
#define CONF_DEFAULT_MAX_PASSWORD_CHECKS 50u
#define CONF_DEFAULT_MAX_PASSES      10u
#define CONF_DEFAULT_WHOIS_LISTEN    "127.0.0.1:43"
#define CONF_DEFAULT_WHOIS_MAX_CONNECTIONS 1000u
#define CONF_DEFAULT_WHOIS_MAX_CONNECTIONS_PER_ADDRESS 3u
#define CONF_DEFAULT_WHOIS_MAX_QUERY_LENGTH ((size_t)1024)
#define CONF_DEFAULT_WHOIS_IDLE_TIMEOUT 180L
#define CONF_DEFAULT_WHOIS_QUERY_TIMEOUT 180L
#define CONF_DEFAULT_WHOIS_MAX_OBJECTS 250000u
#define CONF_DEFAULT_WHOIS_MAX_READERS 32u
#define CONF_DEFAULT_WHOIS_WORKERS   4u
#define CONF_DEFAULT_WHOIS_MAX_BUFFERED ((size_t)64 << 20)
#define CONF_DEFAULT_WHOIS_TERMS_URL "https://docs.db.ripe.net/terms-conditions.html"
/* RIPE's public service: 1,000 personal objects per address per day */
#define CONF_DEFAULT_WHOIS_PERSONAL_LIMIT 1000u
#define CONF_DEFAULT_WHOIS_PERSONAL_EXEMPT "127.0.0.0/8, ::1"
#define CONF_DEFAULT_WHOIS_PERSONAL_TABLE 100000u

/** The build's SYSCONFDIR (Makefile: PREFIX/etc, /etc for PREFIX=/usr). */
#ifndef AUTODBM_SYSCONFDIR
#define AUTODBM_SYSCONFDIR "/usr/local/etc"
#endif
/** Default configuration file path when no -c and no $AUTODBM_CONF:
 *  SYSCONFDIR/autodbm/autodbm.conf, fixed at build time. */
#define CONF_DEFAULT_PATH AUTODBM_SYSCONFDIR "/autodbm/autodbm.conf"

/** Default sync_max_request_size: 10M, as max_mail_size. */
#define CONF_DEFAULT_SYNC_MAX_REQUEST_SIZE ((size_t)10 << 20)

/** Default sync_max_parts: a form has six fields; room for a few more. */
#define CONF_DEFAULT_SYNC_MAX_PARTS 16u

/** Default sync_read_timeout: 60 s (a web server normally buffers the
 *  body before the CGI starts). */
#define CONF_DEFAULT_SYNC_READ_TIMEOUT 60L

/** Default sync_max_part_header_size: 8K. */
#define CONF_DEFAULT_SYNC_MAX_PART_HEADER_SIZE ((size_t)8 << 10)


/**
 * Fill @c with the embedded defaults: source TEST, database var/db,
 * robot_address auto-dbm@localhost, delivery maildir, smtp_server
 * 127.0.0.1:25, outbox var/outbox, gnupg_home var/gnupg, archive
 * var/archive, map_size 1 GiB, allow_override no, no override_password,
 * signature_max_age 3600, the CONF_DEFAULT_MAX_* limits, bcrypt_max_cost
 * CONF_DEFAULT_BCRYPT_MAX_COST, no
 * power_maintainers, hierarchical_as_sets yes, sync_allow_get no,
 * sync_keep_unicode no, CONF_DEFAULT_SYNC_MAX_REQUEST_SIZE,
 * CONF_DEFAULT_SYNC_MAX_PARTS, CONF_DEFAULT_SYNC_MAX_PART_HEADER_SIZE,
 * CONF_DEFAULT_SYNC_READ_TIMEOUT, no
 * sync_trusted_proxies, the CONF_DEFAULT_WHOIS_* values of the query
 * server, whois_log yes, no whois_name (the source is used),
 * whois_personal_exempt the loopback networks 127.0.0.0/8 and ::1.
 */
void conf_defaults(conf_t *c);

/**
 * Read the configuration file @path over the defaults.
 * @param path  the file
 * @param c     filled in (conf_free() it, also after a failure)
 * @param err   on failure "FILE:LINE: message"
 * @return 0; ERR_IO if the file cannot be read; ERR_CONF for a syntax
 *         error, an unknown key or a bad value.
 */
int conf_load(const char *path, conf_t *c, err_t *err);

/**
 * The configuration path a program should use: @opt (the -c argument)
 * if not NULL, else $AUTODBM_CONF if set and non-empty, else
 * CONF_DEFAULT_PATH if that file exists, else NULL (embedded defaults).
 */
const char *conf_path(const char *opt);

/**
 * What every program does at start: conf_path(@opt), then conf_load()
 * of that file, or conf_defaults() when there is none.
 * @param opt  the -c argument, or NULL
 * @param c    filled in (conf_free() it, also after a failure)
 * @param err  on failure the text of conf_load()
 * @return 0 (also with the defaults); ERR_CONF for every failure,
 *         an unreadable or missing file included (every program exits
 *         EX_CONFIG for it, see err_sysexit()).
 */
int conf_open(const char *opt, conf_t *c, err_t *err);

/** Release the strings of @c. */
void conf_free(conf_t *c);

#endif
