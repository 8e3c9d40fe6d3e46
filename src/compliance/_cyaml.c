/*
 * compliance._cyaml: a plan's values and positions straight from libyaml.
 *
 * The same loop as compliance.fastyaml._values, in C. Reading a plan was
 * most of the time a check took, and most of that was Python handling
 * libyaml's events one by one (an event object, a Python branch, a path
 * tuple per value). Here libyaml's events are read in C and the values
 * (dict, list, str), their paths and positions are built directly.
 *
 * It declines (returns None) on exactly what the Python loop declines, so
 * the caller then takes the Python path, which reports any error with its
 * own message. What needs the Python side's knowledge is asked of it
 * through callbacks, only for the few values that need it: a plain scalar
 * that may be a number, date, boolean or null, or any explicit tag
 * (`other`); a block scalar's header and position (`block`); a plain
 * scalar inside a flow collection (`doubt`). An exception in a callback,
 * as any doubt, declines.
 *
 * Untrusted input: nesting is bounded by max_depth before a level is
 * opened, the frame stack is a heap array sized by it, the value count by
 * max_nodes and a value's length by max_string; libyaml itself parses
 * iteratively. Every reference taken is released on every path out.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <yaml.h>

typedef struct {
    PyObject *container;  /* dict or list (owned) */
    PyObject *at;         /* the key or index it has in the enclosing container (owned), NULL for the root */
    PyObject *pending;    /* mapping: the key waiting for its value (owned) or NULL */
    int32_t pending_line, pending_column; /* where that key is written */
    Py_ssize_t index;     /* sequence: the next index */
    Py_ssize_t node;      /* the container's node in the layout */
    int mapping;
    int flow;
    Py_ssize_t size_hint; /* the entries of the last mapping closed at this depth (siblings are alike) */
} Frame;

/* Where each value of a document is written, and each key, found by path
 * when asked (compliance.read.Positions). A plan has thousands of values
 * and a check asks where a few hundred of them are: a dict of path tuples
 * to position tuples, one entry for each value and each key, cost more
 * than the reading of the values themselves. Here a value is a node of a
 * flat array in document order (a collection's nodes follow it, `size` in
 * all), which a path is walked down. */
enum { SCALAR_NODE, MAPPING_NODE, SEQUENCE_NODE };

typedef struct {
    PyObject *key;        /* the key whose value it is (owned), or NULL (the root, an item of a list) */
    Py_ssize_t size;      /* the nodes of its subtree, itself included */
    int32_t line, column, key_line, key_column;  /* 1-based, as Python is given them */
    int kind;
} Node;

typedef struct {
    PyObject_HEAD
    Node *nodes;
    Py_ssize_t count, capacity;
} Layout;

static PyTypeObject LayoutType;

typedef struct {
    Py_ssize_t end, max_depth, max_nodes, max_string;
    PyObject *first;      /* the first characters an implicit resolver may apply to */
    PyObject *other, *block, *doubt;
    Layout *layout;
    PyObject *numbers;
    /* Whether each ASCII character is in `first`, and whether `first` is all
     * ASCII (then a scalar starting with any other character is a string). */
    unsigned char first_ascii[128];
    int first_all_ascii;
    int ascii_resolvers;  /* no implicit resolver matches a text with a character past ASCII */
    int iso_dates;        /* a plain 2024-06-30 resolves as a timestamp, which stays text */
} Context;

static PyObject *STR_TAG, *MERGE_TAG;

/* 1: decline, -1: a Python error (maybe an Exception to turn into a decline). */
enum { OK = 0, DECLINE = 1, ERROR = -1 };

static void frame_clear(Frame *frame)
{
    Py_CLEAR(frame->container);
    Py_CLEAR(frame->at);
    Py_CLEAR(frame->pending);
}

/* A tuple of ints and strs can be in no reference cycle: the collector
 * untracks one when it first meets it. Positions and paths (keys are strs)
 * are untracked when made instead, so it never walks them, nor the
 * tables and numbers dicts, which then hold nothing tracked. */
static PyObject *untracked(PyObject *tuple)
{
    PyObject_GC_UnTrack(tuple);
    return tuple;
}

/* (line, column), a new reference. */
static PyObject *pair_of(int32_t line_number, int32_t column_number)
{
    PyObject *line = PyLong_FromLong(line_number), *column = PyLong_FromLong(column_number);
    PyObject *pair = (line && column) ? PyTuple_New(2) : NULL;
    if (pair == NULL) {
        Py_XDECREF(line);
        Py_XDECREF(column);
        return NULL;
    }
    PyTuple_SET_ITEM(pair, 0, line);
    PyTuple_SET_ITEM(pair, 1, column);
    return untracked(pair);
}

/* path + (last,), a new reference; untracked where last is a str or int as
 * the path's items are (a key made by PyObject_Str, an index). */
static PyObject *extend(PyObject *path, PyObject *last)
{
    Py_ssize_t n = PyTuple_GET_SIZE(path);
    PyObject *longer = PyTuple_New(n + 1);
    if (longer == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(path, i);
        Py_INCREF(item);
        PyTuple_SET_ITEM(longer, i, item);
    }
    Py_INCREF(last);
    PyTuple_SET_ITEM(longer, n, last);
    return (PyUnicode_CheckExact(last) || PyLong_CheckExact(last)) && !PyObject_GC_IsTracked(path)
           ? untracked(longer) : longer;
}

/* The characters of UTF-8 `text` into `out` (of `count` characters, each of
 * which fits in TYPE); jumps to `invalid` at anything not valid UTF-8
 * (a stray or missing continuation, a longer form than needed, a surrogate,
 * past U+10FFFF). */
#define DECODE_INTO(TYPE, out, text, length, count, invalid)                                          \
    do {                                                                                               \
        TYPE *_out = (out);                                                                            \
        Py_ssize_t _n = 0;                                                                             \
        size_t _i = 0;                                                                                 \
        while (_i < (length)) {                                                                        \
            Py_UCS4 _b = (text)[_i], _c;                                                               \
            if (_b < 0x80) {                                                                           \
                _c = _b;                                                                               \
                _i += 1;                                                                               \
            } else if (_b < 0xC2) {                                                                    \
                goto invalid;                                                                          \
            } else if (_b < 0xE0) {                                                                    \
                if (_i + 1 >= (length) || ((text)[_i + 1] & 0xC0) != 0x80)                             \
                    goto invalid;                                                                      \
                _c = ((_b & 0x1F) << 6) | ((text)[_i + 1] & 0x3F);                                     \
                _i += 2;                                                                               \
            } else if (_b < 0xF0) {                                                                    \
                if (_i + 2 >= (length) || ((text)[_i + 1] & 0xC0) != 0x80                              \
                        || ((text)[_i + 2] & 0xC0) != 0x80)                                            \
                    goto invalid;                                                                      \
                _c = ((_b & 0x0F) << 12) | (((text)[_i + 1] & 0x3F) << 6) | ((text)[_i + 2] & 0x3F);   \
                if (_c < 0x800 || (_c >= 0xD800 && _c <= 0xDFFF))                                      \
                    goto invalid;                                                                      \
                _i += 3;                                                                               \
            } else if (_b < 0xF5) {                                                                    \
                if (_i + 3 >= (length) || ((text)[_i + 1] & 0xC0) != 0x80                              \
                        || ((text)[_i + 2] & 0xC0) != 0x80 || ((text)[_i + 3] & 0xC0) != 0x80)         \
                    goto invalid;                                                                      \
                _c = ((_b & 0x07) << 18) | (((text)[_i + 1] & 0x3F) << 12)                             \
                     | (((text)[_i + 2] & 0x3F) << 6) | ((text)[_i + 3] & 0x3F);                       \
                if (_c < 0x10000 || _c > 0x10FFFF)                                                     \
                    goto invalid;                                                                      \
                _i += 4;                                                                               \
            } else {                                                                                   \
                goto invalid;                                                                          \
            }                                                                                          \
            if (_n >= (count))                                                                         \
                goto invalid;                                                                          \
            _out[_n++] = (TYPE)_c;                                                                     \
        }                                                                                              \
        if (_n != (count))                                                                             \
            goto invalid;                                                                              \
    } while (0)

/* A scalar's text as str. For text past ASCII (most of a Chinese plan)
 * CPython's decoder widens its buffer as it meets wider characters and
 * copies it at the end; here one quick pass finds the number of characters
 * (bytes that do not continue one) and the widest lead byte, which tells
 * the width of the widest character, and a second writes the characters
 * into a str of that width. ASCII is copied as it is; anything not valid
 * UTF-8 (libyaml gives none) is CPython's to decode (and to refuse). */
static PyObject *decode(const yaml_char_t *text, size_t length)
{
    Py_ssize_t count = 0;
    unsigned char top = 0;
    for (size_t i = 0; i < length; i++) {
        count += (text[i] & 0xC0) != 0x80;
        top = text[i] > top ? text[i] : top;
    }
    if (top < 0x80) {                   /* ASCII: copied as it is */
        PyObject *ascii = PyUnicode_New((Py_ssize_t)length, 0x7F);
        if (ascii != NULL && length > 0)
            memcpy(PyUnicode_1BYTE_DATA(ascii), text, length);
        return ascii;
    }
    if (top >= 0xF5)
        return PyUnicode_DecodeUTF8((const char *)text, (Py_ssize_t)length, "strict");
    /* Leads C2-C3 start U+0080-U+00FF; up to EF, at most U+FFFF; F0-F4, beyond. */
    Py_UCS4 widest = top < 0xC4 ? 0xFF : top < 0xF0 ? 0xFFFF : 0x10FFFF;
    PyObject *decoded = PyUnicode_New(count, widest);
    if (decoded == NULL)
        return NULL;
    switch (PyUnicode_KIND(decoded)) {
    case PyUnicode_1BYTE_KIND:
        DECODE_INTO(Py_UCS1, PyUnicode_1BYTE_DATA(decoded), text, length, count, invalid);
        break;
    case PyUnicode_2BYTE_KIND:
        DECODE_INTO(Py_UCS2, PyUnicode_2BYTE_DATA(decoded), text, length, count, invalid);
        break;
    default:
        DECODE_INTO(Py_UCS4, PyUnicode_4BYTE_DATA(decoded), text, length, count, invalid);
    }
    return decoded;
invalid:
    Py_DECREF(decoded);
    return PyUnicode_DecodeUTF8((const char *)text, (Py_ssize_t)length, "strict");
}

static const char *style_of(yaml_scalar_style_t style)
{
    switch (style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: return "'";
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return "\"";
    case YAML_LITERAL_SCALAR_STYLE: return "|";
    case YAML_FOLDED_SCALAR_STYLE: return ">";
    default: return NULL;
    }
}

/* Whether a scalar without a tag is a string without asking the resolver:
 * not plain, or plain and starting with a character no resolver takes, or
 * (with ascii_resolvers) holding a character past ASCII, as plans' Chinese
 * deadlines starting with a year do ("2025年2月底前").
 * The first character is told by the first byte of its UTF-8 where `first`
 * is all ASCII (as PyYAML's resolvers are). */
static int plain_string(Context *context, yaml_event_t *event, PyObject *raw)
{
    if (!event->data.scalar.plain_implicit)
        return 1;
    size_t length = event->data.scalar.length;
    const unsigned char *text = event->data.scalar.value;
    if (length == 0)
        return 0;
    if (text[0] < 128) {
        if (!context->first_ascii[text[0]])
            return 1;
    } else if (context->first_all_ascii) {
        return 1;
    } else {
        Py_UCS4 first = PyUnicode_READ_CHAR(raw, 0);
        if (PyUnicode_FindChar(context->first, first, 0, PyUnicode_GET_LENGTH(context->first), 1) == -1)
            return 1;
    }
    if (context->ascii_resolvers)
        for (size_t i = 1; i < length; i++)
            if (text[i] >= 128)
                return 1;
    return 0;
}

static int call_flag(PyObject *callable, PyObject *raw, yaml_mark_t mark, int is_value)
{
    PyObject *answer = PyObject_CallFunction(callable, "Oni", raw, (Py_ssize_t)mark.index, is_value);
    if (answer == NULL)
        return ERROR;
    int doubt = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    return doubt < 0 ? ERROR : (doubt ? DECLINE : OK);
}

/* Plain values the resolver was asked about (dates, numbers, words that
 * start like one recur in every plan): raw text -> (value, is_number).
 * Only short ones, and only values, whose answer depends on the text alone;
 * emptied when full so it stays small. */
static PyObject *resolved;
#define RESOLVED_MAX 8192
#define RESOLVED_LONGEST 64

static int cacheable(yaml_event_t *event, PyObject *tag, PyObject *raw, int is_key)
{
    return tag == NULL && !is_key && event->data.scalar.tag == NULL && event->data.scalar.plain_implicit
           && !event->data.scalar.quoted_implicit && PyUnicode_GET_LENGTH(raw) <= RESOLVED_LONGEST;
}

/* The scalar's value when it is not a plain string: (value, is_number)
 * from the Python side, or NULL. */
static PyObject *resolve(Context *context, yaml_event_t *event, PyObject *tag, PyObject *raw, int is_key)
{
    int cache = cacheable(event, tag, raw, is_key);
    if (cache) {
        PyObject *known = PyDict_GetItemWithError(resolved, raw);
        if (known != NULL)
            return Py_NewRef(known);
        if (PyErr_Occurred())
            return NULL;
    }
    const char *style = style_of(event->data.scalar.style);
    yaml_mark_t mark = event->start_mark;
    PyObject *answer = PyObject_CallFunction(context->other, "OOiisnnni", tag ? tag : Py_None, raw,
                                             event->data.scalar.plain_implicit, event->data.scalar.quoted_implicit,
                                             style ? style : "", (Py_ssize_t)mark.index, (Py_ssize_t)mark.line,
                                             (Py_ssize_t)mark.column, is_key);
    if (answer == NULL || !cache)
        return answer;
    if (!PyTuple_CheckExact(answer) || PyTuple_GET_SIZE(answer) != 2) {
        Py_DECREF(answer);
        PyErr_SetString(PyExc_TypeError, "other() must return (value, is_number)");
        return NULL;
    }
    if (PyDict_GET_SIZE(resolved) >= RESOLVED_MAX)
        PyDict_Clear(resolved);
    if (PyDict_SetItem(resolved, raw, answer) < 0) {
        Py_DECREF(answer);
        return NULL;
    }
    return answer;
}

/* Whether the two scanners may read a plain scalar in a flow collection
 * differently (fastyaml._flow_doubt): a character they treat differently
 * there; an empty one needs the text before it, which Python looks at.
 * The characters are ASCII, so the UTF-8 is searched (no byte of a longer
 * character is ASCII). */
static int flow_doubt(Context *context, yaml_event_t *event, int is_value)
{
    size_t length = event->data.scalar.length;
    const unsigned char *text = event->data.scalar.value;
    if (length == 0) {
        PyObject *empty = PyUnicode_FromStringAndSize("", 0);
        if (empty == NULL)
            return ERROR;
        int status = call_flag(context->doubt, empty, event->start_mark, is_value);
        Py_DECREF(empty);
        return status;
    }
    for (size_t i = 0; i < length; i++) {
        unsigned char c = text[i];
        if (c == '?' || c == ':' || c == '#' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}')
            return DECLINE;
    }
    return OK;
}

/* Keys recur in every item of every plan. A short key written plain or
 * quoted without a tag is the same str whenever its text and whether it
 * is plain are (a plain one may be resolved: `12:` is the key "12"), so
 * the key once made is kept in a table of fixed size, in one of two slots
 * its text hashes to (two, so that two frequent keys rarely take turns in
 * one); a newer key takes the second when both are held. Kept keys are
 * interned, so later lookups of them by name compare pointers. */
#define KEY_SLOTS 1024
#define KEY_LONGEST 64

typedef struct {
    PyObject *key;                /* owned, or NULL */
    size_t length;
    int plain;
    unsigned char text[KEY_LONGEST];
} KeySlot;

static KeySlot key_table[KEY_SLOTS];

/* The first of the two slots for a key scalar's text (the second is
 * *other), or NULL if it is not one the table keeps. */
static KeySlot *key_slot(Context *context, yaml_event_t *event, KeySlot **other)
{
    size_t length = event->data.scalar.length;
    yaml_scalar_style_t style = event->data.scalar.style;
    if (event->data.scalar.tag != NULL || length > KEY_LONGEST || (Py_ssize_t)length > context->max_string
            || (style != YAML_PLAIN_SCALAR_STYLE && style != YAML_SINGLE_QUOTED_SCALAR_STYLE
                && style != YAML_DOUBLE_QUOTED_SCALAR_STYLE))
        return NULL;
    uint32_t hash = 2166136261u;        /* FNV-1a */
    for (size_t i = 0; i < length; i++)
        hash = (hash ^ event->data.scalar.value[i]) * 16777619u;
    hash ^= style == YAML_PLAIN_SCALAR_STYLE;
    *other = &key_table[(hash >> 16) % KEY_SLOTS];
    return &key_table[hash % KEY_SLOTS];
}

static int holds(KeySlot *slot, yaml_event_t *event)
{
    size_t length = event->data.scalar.length;
    return slot->key != NULL && slot->length == length
           && slot->plain == (event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
           && memcmp(slot->text, event->data.scalar.value, length) == 0;
}

/* The kept key (a new reference) in either slot, or NULL. */
static PyObject *known_key(KeySlot *slot, KeySlot *other, yaml_event_t *event)
{
    if (holds(slot, event))
        return Py_NewRef(slot->key);
    if (holds(other, event))
        return Py_NewRef(other->key);
    return NULL;
}

/* Keeps a key just made (a new reference, interned in place) in a free
 * one of its slots, else in the second. */
static void keep_key(KeySlot *slot, KeySlot *other, yaml_event_t *event, PyObject **key)
{
    if (!PyUnicode_CheckExact(*key))
        return;
    if (slot->key != NULL)
        slot = other;
    PyUnicode_InternInPlace(key);
    Py_XSETREF(slot->key, Py_NewRef(*key));
    slot->length = event->data.scalar.length;
    slot->plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    memcpy(slot->text, event->data.scalar.value, slot->length);
}

/* Counts a value and checks the limits the Python loop checks; `length`:
 * the length of its path. */
static int count(Context *context, Py_ssize_t *nodes, Py_ssize_t length)
{
    *nodes += 1;
    return (length > context->max_depth || *nodes > context->max_nodes) ? DECLINE : OK;
}

/* Puts a value into the open collection. */
static int place(Frame *frame, PyObject *value, PyObject **root)
{
    if (frame->container == NULL) {
        Py_INCREF(value);
        *root = value;
        return OK;
    }
    if (frame->mapping) {
        if (PyDict_SetItem(frame->container, frame->pending, value) < 0)
            return ERROR;
        Py_CLEAR(frame->pending);
        return OK;
    }
    if (PyList_Append(frame->container, value) < 0)
        return ERROR;
    frame->index += 1;
    return OK;
}

/* The layout's node for the value about to be placed in the open
 * collection (a mapping's pending key is its key); its index, or -1. */
static Py_ssize_t add_node(Context *context, Frame *frame, int kind, int32_t line, int32_t column)
{
    Layout *layout = context->layout;
    if (layout->count == layout->capacity) {
        Py_ssize_t capacity = layout->capacity < 64 ? 64 : layout->capacity * 2;
        Node *grown = PyMem_Realloc(layout->nodes, (size_t)capacity * sizeof(Node));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        layout->nodes = grown;
        layout->capacity = capacity;
    }
    Node *node = &layout->nodes[layout->count];
    int keyed = frame->container != NULL && frame->mapping;
    node->key = keyed ? Py_NewRef(frame->pending) : NULL;
    node->key_line = keyed ? frame->pending_line : 0;
    node->key_column = keyed ? frame->pending_column : 0;
    node->line = line;
    node->column = column;
    node->size = 1;
    node->kind = kind;
    return layout->count++;
}

/* The path of the value about to be placed in stack[depth]'s collection:
 * only a number's is made, for the numbers dict. */
static PyObject *path_here(Frame *stack, Py_ssize_t depth)
{
    PyObject *path = PyTuple_New(depth);
    if (path == NULL || depth == 0)
        return path;
    for (Py_ssize_t i = 2; i <= depth; i++)     /* stack[1] holds the root, which has no key or index */
        PyTuple_SET_ITEM(path, i - 2, Py_NewRef(stack[i].at));
    Frame *frame = &stack[depth];
    PyObject *last = frame->mapping ? Py_NewRef(frame->pending) : PyLong_FromSsize_t(frame->index);
    if (last == NULL) {
        Py_DECREF(path);
        return NULL;
    }
    PyTuple_SET_ITEM(path, depth - 1, last);
    return untracked(path);
}

/* Makes a key (a new reference, taken) the pending one, with its position. */
static int add_key(Frame *frame, yaml_event_t *event, PyObject *key)
{
    int duplicate = PyDict_Contains(frame->container, key);
    if (duplicate != 0) {
        Py_DECREF(key);
        return duplicate < 0 ? ERROR : DECLINE;
    }
    frame->pending = key;
    frame->pending_line = (int32_t)event->start_mark.line + 1;
    frame->pending_column = (int32_t)event->start_mark.column + 1;
    return OK;
}

static int scalar_key(Context *context, Frame *frame, yaml_event_t *event, PyObject *tag, PyObject *raw,
                      int string, KeySlot *slot, KeySlot *other)
{
    PyObject *key;
    if (string) {
        key = raw;
        Py_INCREF(key);
    } else {
        if (tag != NULL && PyUnicode_Compare(tag, MERGE_TAG) == 0)
            return DECLINE;
        PyObject *answer = resolve(context, event, tag, raw, 1);
        if (answer == NULL)
            return ERROR;
        key = PyTuple_GET_ITEM(answer, 0);
        key = PyUnicode_Check(key) ? (Py_INCREF(key), key) : PyObject_Str(key);
        Py_DECREF(answer);
        if (key == NULL)
            return ERROR;
    }
    if (slot != NULL)
        keep_key(slot, other, event, &key);
    return add_key(frame, event, key);
}

/* A block scalar's position as the Python side gave it: (line, column). */
static int block_pair(PyObject *where, int32_t *line, int32_t *column)
{
    if (!PyTuple_CheckExact(where) || PyTuple_GET_SIZE(where) != 2 || !PyLong_CheckExact(PyTuple_GET_ITEM(where, 0))
            || !PyLong_CheckExact(PyTuple_GET_ITEM(where, 1))) {
        PyErr_SetString(PyExc_TypeError, "block() must return (line, column)");
        return ERROR;
    }
    long first = PyLong_AsLong(PyTuple_GET_ITEM(where, 0)), second = PyLong_AsLong(PyTuple_GET_ITEM(where, 1));
    if (PyErr_Occurred())
        return ERROR;
    if (first < 0 || first > INT32_MAX || second < 0 || second > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "block position out of range");
        return ERROR;
    }
    *line = (int32_t)first;
    *column = (int32_t)second;
    return OK;
}

/* Whether a value is a plain, untagged date written 2024-06-30: with
 * iso_dates, the timestamp resolver's and no other's (a number has no
 * dash inside), and a timestamp stays text (read._Converter.scalar).
 * Plans write deadlines so, each its own: no cache of answers holds them. */
static int iso_date(Context *context, yaml_event_t *event, PyObject *tag)
{
    const unsigned char *text = event->data.scalar.value;
    if (!context->iso_dates || tag != NULL || event->data.scalar.tag != NULL || !event->data.scalar.plain_implicit
            || event->data.scalar.quoted_implicit || event->data.scalar.length != 10)
        return 0;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? text[i] != '-' : (text[i] < '0' || text[i] > '9'))
            return 0;
    return 1;
}

static int scalar_value(Context *context, Frame *stack, Py_ssize_t depth, yaml_event_t *event, PyObject *tag,
                        PyObject *raw, int string, PyObject *block_position, Py_ssize_t *nodes, PyObject **root)
{
    Frame *frame = &stack[depth];
    if (frame->container == NULL && *root != NULL)
        return DECLINE;
    int status = count(context, nodes, depth);
    if (status != OK)
        return status;
    int32_t line = (int32_t)event->start_mark.line + 1, column = (int32_t)event->start_mark.column + 1;
    if (block_position != NULL && block_pair(block_position, &line, &column) != OK)
        return ERROR;
    PyObject *value = NULL, *answer = NULL, *here = NULL;
    status = ERROR;
    if (string || iso_date(context, event, tag)) {
        value = Py_NewRef(raw);
    } else {
        answer = resolve(context, event, tag, raw, 0);
        if (answer == NULL)
            goto done;
        value = Py_NewRef(PyTuple_GET_ITEM(answer, 0));
        int number = PyObject_IsTrue(PyTuple_GET_ITEM(answer, 1));
        if (number < 0)
            goto done;
        if (number && ((here = path_here(stack, depth)) == NULL || PyDict_SetItem(context->numbers, here, raw) < 0))
            goto done;
    }
    if (add_node(context, frame, SCALAR_NODE, line, column) < 0)
        goto done;
    status = place(frame, value, root);
done:
    Py_XDECREF(here);
    Py_XDECREF(value);
    Py_XDECREF(answer);
    return status;
}

static int on_scalar(Context *context, Frame *stack, Py_ssize_t depth, yaml_event_t *event, Py_ssize_t *nodes,
                     PyObject **root)
{
    Frame *frame = &stack[depth];
    yaml_mark_t mark = event->start_mark;
    if (event->data.scalar.anchor != NULL || (Py_ssize_t)mark.index >= context->end)
        return DECLINE;
    yaml_scalar_style_t style = event->data.scalar.style;
    int is_key = frame->container != NULL && frame->mapping && frame->pending == NULL;
    if (frame->flow && style == YAML_PLAIN_SCALAR_STYLE) {
        int status = flow_doubt(context, event, frame->mapping && !is_key);
        if (status != OK)
            return status;
    }
    KeySlot *other = NULL, *slot = is_key ? key_slot(context, event, &other) : NULL;
    if (slot != NULL) {
        PyObject *key = known_key(slot, other, event);
        if (key != NULL)
            return add_key(frame, event, key);
    }
    PyObject *raw = decode(event->data.scalar.value, event->data.scalar.length);
    if (raw == NULL)
        return ERROR;
    PyObject *tag = NULL, *block_position = NULL;
    int status = DECLINE;
    if (PyUnicode_GET_LENGTH(raw) > context->max_string)
        goto done;
    const char *written_tag = (const char *)event->data.scalar.tag;
    int string;
    if (written_tag == NULL || strcmp(written_tag, "!") == 0) {
        string = plain_string(context, event, raw);
    } else {
        tag = PyUnicode_FromString(written_tag);
        if (tag == NULL) {
            status = ERROR;
            goto done;
        }
        string = PyUnicode_Compare(tag, STR_TAG) == 0;
    }
    if (style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE) {
        block_position = PyObject_CallFunction(context->block, "nnn", (Py_ssize_t)mark.index,
                                               (Py_ssize_t)mark.line, (Py_ssize_t)mark.column);
        if (block_position == NULL) {
            status = ERROR;
            goto done;
        }
        if (block_position == Py_None)
            goto done;
    }
    if (is_key)
        status = scalar_key(context, frame, event, tag, raw, string, slot, other);
    else
        status = scalar_value(context, stack, depth, event, tag, raw, string, block_position, nodes, root);
done:
    Py_DECREF(raw);
    Py_XDECREF(tag);
    Py_XDECREF(block_position);
    return status;
}

/* A dict for about `entries` entries (where CPython lets an extension ask). */
static PyObject *new_dict(Py_ssize_t entries)
{
#if PY_VERSION_HEX < 0x030D0000
    return _PyDict_NewPresized(entries);
#else
    (void)entries;
    return PyDict_New();
#endif
}

static int on_start(Context *context, Frame *stack, Py_ssize_t *depth, yaml_event_t *event, Py_ssize_t *nodes,
                    PyObject **root)
{
    int opens_mapping = event->type == YAML_MAPPING_START_EVENT;
    const yaml_char_t *anchor = opens_mapping ? event->data.mapping_start.anchor : event->data.sequence_start.anchor;
    const char *tag = (const char *)(opens_mapping ? event->data.mapping_start.tag : event->data.sequence_start.tag);
    if (anchor != NULL)
        return DECLINE;
    if (tag != NULL && strcmp(tag, "!") != 0
            && strcmp(tag, opens_mapping ? "tag:yaml.org,2002:map" : "tag:yaml.org,2002:seq") != 0)
        return DECLINE;
    Frame *frame = &stack[*depth];
    if (frame->container == NULL && *root != NULL)
        return DECLINE;
    if (frame->container != NULL && frame->mapping && frame->pending == NULL)
        return DECLINE;                         /* a collection as a key */
    /* The stack has max_depth + 2 frames: a path longer than max_depth declines here. */
    if (count(context, nodes, *depth) != OK || *depth + 1 >= context->max_depth + 2)
        return DECLINE;
    /* Its key or index in the enclosing collection: paths of numbers below are made of these. */
    PyObject *at = frame->container == NULL ? NULL
                   : frame->mapping ? Py_NewRef(frame->pending) : PyLong_FromSsize_t(frame->index);
    if (frame->container != NULL && at == NULL)
        return ERROR;
    PyObject *created = opens_mapping ? new_dict(stack[*depth + 1].size_hint) : PyList_New(0);
    Py_ssize_t node = created == NULL ? -1
                      : add_node(context, frame, opens_mapping ? MAPPING_NODE : SEQUENCE_NODE,
                                 (int32_t)event->start_mark.line + 1, (int32_t)event->start_mark.column + 1);
    if (node < 0 || place(frame, created, root) < 0) {
        Py_XDECREF(created);
        Py_XDECREF(at);
        return ERROR;
    }
    *depth += 1;
    Frame *opened = &stack[*depth];
    opened->container = created;
    opened->at = at;
    opened->pending = NULL;
    opened->index = 0;
    opened->node = node;
    opened->mapping = opens_mapping;
    opened->flow = opens_mapping ? event->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                                 : event->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    return OK;
}

/* Lines and columns are kept as int32 (a text is at most max_bytes long). */
static int fits(yaml_mark_t mark)
{
    return mark.line < INT32_MAX - 1 && mark.column < INT32_MAX - 1;
}

static int on_event(Context *context, Frame *stack, Py_ssize_t *depth, yaml_event_t *event, Py_ssize_t *nodes,
                    int *documents, PyObject **root, int *finished)
{
    switch (event->type) {
    case YAML_SCALAR_EVENT:
        return fits(event->start_mark) ? on_scalar(context, stack, *depth, event, nodes, root) : DECLINE;
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        return fits(event->start_mark) ? on_start(context, stack, depth, event, nodes, root) : DECLINE;
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
        if (*depth == 0 || (stack[*depth].mapping && stack[*depth].pending != NULL))
            return DECLINE;
        if (stack[*depth].mapping)
            stack[*depth].size_hint = PyDict_GET_SIZE(stack[*depth].container);
        context->layout->nodes[stack[*depth].node].size = context->layout->count - stack[*depth].node;
        frame_clear(&stack[*depth]);
        *depth -= 1;
        return OK;
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        return OK;
    case YAML_DOCUMENT_START_EVENT:
        *documents += 1;
        return *documents > 1 ? DECLINE : OK;
    case YAML_STREAM_END_EVENT:
        *finished = 1;
        return OK;
    default:                                    /* an alias */
        return DECLINE;
    }
}

/* The `first` the key table was filled under: another (a caller with other
 * resolvers) empties it. */
static PyObject *table_first;

static int know_first(Context *context)
{
    PyObject *first = context->first;
    Py_ssize_t length = PyUnicode_GET_LENGTH(first);
    memset(context->first_ascii, 0, sizeof context->first_ascii);
    context->first_all_ascii = 1;
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(first, i);
        if (c < 128)
            context->first_ascii[c] = 1;
        else
            context->first_all_ascii = 0;
    }
    int same = table_first == NULL ? 0 : PyObject_RichCompareBool(table_first, first, Py_EQ);
    if (same < 0)
        return -1;
    if (!same) {
        for (size_t i = 0; i < KEY_SLOTS; i++)
            Py_CLEAR(key_table[i].key);
        Py_XSETREF(table_first, Py_NewRef(first));
    }
    return 0;
}

/* The characters of valid UTF-8: the bytes that do not continue one
 * (10xxxxxx), counted eight at a time. */
static Py_ssize_t characters(const unsigned char *data, Py_ssize_t size)
{
    Py_ssize_t continuing = 0, i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t word;
        memcpy(&word, data + i, 8);
        /* 1 in each byte that continues a character; the product sums them into the top byte. */
        uint64_t ones = (word & ~(word << 1) & 0x8080808080808080ull) >> 7;
        continuing += (Py_ssize_t)((ones * 0x0101010101010101ull) >> 56);
    }
    for (; i < size; i++)
        continuing += (data[i] & 0xC0) == 0x80;
    return size - continuing;
}

/* A Layout with room for about `nodes` nodes. */
static Layout *new_layout(Py_ssize_t nodes)
{
    Layout *layout = PyObject_New(Layout, &LayoutType);
    if (layout == NULL)
        return NULL;
    layout->count = 0;
    layout->capacity = nodes < 64 ? 64 : nodes;
    layout->nodes = PyMem_Malloc((size_t)layout->capacity * sizeof(Node));
    if (layout->nodes == NULL) {
        layout->capacity = 0;
        Py_DECREF(layout);
        PyErr_NoMemory();
        return NULL;
    }
    return layout;
}

static void layout_dealloc(Layout *self)
{
    for (Py_ssize_t i = 0; i < self->count; i++)
        Py_XDECREF(self->nodes[i].key);
    PyMem_Free(self->nodes);
    PyObject_Free(self);
}

/* Whether `part` of a path names a mapping's `key` (a str), as the path's
 * == would: the same str, equal text, or whatever part's == says. */
static int names_key(PyObject *part, PyObject *key)
{
    if (part == key)
        return 1;
    if (PyUnicode_CheckExact(part) && PyUnicode_CheckExact(key))
        return PyUnicode_GET_LENGTH(part) == PyUnicode_GET_LENGTH(key)
               && PyUnicode_KIND(part) == PyUnicode_KIND(key)
               && memcmp(PyUnicode_DATA(part), PyUnicode_DATA(key),
                         (size_t)PyUnicode_GET_LENGTH(part) * PyUnicode_KIND(part)) == 0;
    return PyObject_RichCompareBool(part, key, Py_EQ);
}

/* The node of the item of the list at `node` that `part` names, or -1
 * (none, or a Python error). An int (or bool) counts items; anything
 * else is compared with each index, as a path's == would. */
static Py_ssize_t item_of(Layout *self, Py_ssize_t node, PyObject *part)
{
    Py_ssize_t child = node + 1, end = node + self->nodes[node].size;
    if (PyLong_Check(part)) {
        int overflow;
        long long wanted = PyLong_AsLongLongAndOverflow(part, &overflow);
        if (wanted == -1 && PyErr_Occurred())
            return -1;
        if (overflow || wanted < 0)
            return -1;
        for (; child < end && wanted > 0; wanted--)
            child += self->nodes[child].size;
        return child < end ? child : -1;
    }
    if (PyUnicode_Check(part))
        return -1;
    for (Py_ssize_t index = 0; child < end; index++, child += self->nodes[child].size) {
        PyObject *number = PyLong_FromSsize_t(index);
        int same = number == NULL ? -1 : PyObject_RichCompareBool(part, number, Py_EQ);
        Py_XDECREF(number);
        if (same != 0)
            return same < 0 ? -1 : child;
    }
    return -1;
}

/* find(path, key): where the value at `path` is written (key false) or
 * its key (key true), as (line, column); None where there is none. */
static PyObject *layout_find(Layout *self, PyObject *args)
{
    PyObject *path;
    int key;
    if (!PyArg_ParseTuple(args, "Op", &path, &key))
        return NULL;
    if (!PyTuple_Check(path)) {
        if (PyObject_Hash(path) == -1)          /* as a dict's lookup refuses it */
            return NULL;
        Py_RETURN_NONE;
    }
    Py_ssize_t length = PyTuple_GET_SIZE(path), node = 0;
    if (self->count == 0)
        Py_RETURN_NONE;
    for (Py_ssize_t i = 0; i < length; i++) {
        PyObject *part = PyTuple_GET_ITEM(path, i);
        Node *here = &self->nodes[node];
        if (here->kind == SCALAR_NODE)
            Py_RETURN_NONE;
        if (here->kind == SEQUENCE_NODE) {
            node = item_of(self, node, part);
        } else {
            Py_ssize_t child = node + 1, end = node + here->size;
            for (; child < end; child += self->nodes[child].size) {
                int same = names_key(part, self->nodes[child].key);
                if (same < 0)
                    return NULL;
                if (same)
                    break;
            }
            node = child < end ? child : -1;
        }
        if (node < 0) {
            if (PyErr_Occurred())
                return NULL;
            Py_RETURN_NONE;
        }
    }
    Node *found = &self->nodes[node];
    if (!key)
        return pair_of(found->line, found->column);
    if (found->key == NULL)
        Py_RETURN_NONE;
    return pair_of(found->key_line, found->key_column);
}

/* table(key): every path and where its value (key false) or key (key
 * true) is written, in document order: the dict the Python loop makes. */
static PyObject *layout_table(Layout *self, PyObject *args)
{
    int key;
    if (!PyArg_ParseTuple(args, "p", &key))
        return NULL;
    PyObject *table = PyDict_New();
    /* The open collections: each one's path, last node, next index. */
    PyObject **paths = PyMem_Calloc((size_t)self->count + 1, sizeof(PyObject *));
    Py_ssize_t *ends = PyMem_Calloc((size_t)self->count + 1, sizeof(Py_ssize_t));
    Py_ssize_t *indexes = PyMem_Calloc((size_t)self->count + 1, sizeof(Py_ssize_t));
    Py_ssize_t top = -1;
    int failed = table == NULL || paths == NULL || ends == NULL || indexes == NULL;
    if (failed && table != NULL)
        PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < self->count && !failed; i++) {
        Node *node = &self->nodes[i];
        for (; top >= 0 && i >= ends[top]; top--)
            Py_CLEAR(paths[top]);
        PyObject *path;
        if (top < 0) {
            path = PyTuple_New(0);
        } else if (node->key != NULL) {
            path = extend(paths[top], node->key);
        } else {
            PyObject *index = PyLong_FromSsize_t(indexes[top]++);
            path = index == NULL ? NULL : extend(paths[top], index);
            Py_XDECREF(index);
        }
        PyObject *where = path == NULL ? NULL
                          : !key ? pair_of(node->line, node->column)
                          : node->key != NULL ? pair_of(node->key_line, node->key_column) : Py_NewRef(Py_None);
        failed = where == NULL || (where != Py_None && PyDict_SetItem(table, path, where) < 0);
        Py_XDECREF(where);
        if (!failed && node->kind != SCALAR_NODE) {
            top += 1;
            paths[top] = path;
            ends[top] = i + node->size;
            indexes[top] = 0;
        } else {
            Py_XDECREF(path);
        }
    }
    for (; top >= 0; top--)
        Py_CLEAR(paths[top]);
    PyMem_Free(paths);
    PyMem_Free(ends);
    PyMem_Free(indexes);
    if (failed) {
        Py_XDECREF(table);
        return NULL;
    }
    return table;
}

static PyMethodDef layout_methods[] = {
    {"find", (PyCFunction)layout_find, METH_VARARGS,
     "find(path, key)\n--\n\n(line, column) of the value at path (of its key, if key), or None."},
    {"table", (PyCFunction)layout_table, METH_VARARGS,
     "table(key)\n--\n\nA dict of every path to (line, column) of its value (of its key, if key)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject LayoutType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "compliance._cyaml.Layout",
    .tp_basicsize = sizeof(Layout),
    .tp_dealloc = (destructor)layout_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Where each value and key of a document read by values() is written.",
    .tp_methods = layout_methods,
};

static PyObject *values(PyObject *Py_UNUSED(module), PyObject *args)
{
    const char *data;
    Py_ssize_t size;
    Context context;
    context.ascii_resolvers = context.iso_dates = 0;
    if (!PyArg_ParseTuple(args, "y#nnnnUOOO|pp", &data, &size, &context.end, &context.max_depth,
                          &context.max_nodes, &context.max_string, &context.first, &context.other, &context.block,
                          &context.doubt, &context.ascii_resolvers, &context.iso_dates))
        return NULL;
    if (context.max_depth < 0 || context.max_depth > 100000) {
        PyErr_SetString(PyExc_ValueError, "max_depth out of range");
        return NULL;
    }
    if (know_first(&context) < 0)
        return NULL;
    if (context.end < 0)
        context.end = characters((const unsigned char *)data, size);
    Frame *stack = PyMem_Calloc((size_t)context.max_depth + 2, sizeof(Frame));
    if (stack == NULL)
        return PyErr_NoMemory();
    context.layout = new_layout(size / 32);    /* about a value per 32 bytes, as plans are written */
    context.numbers = PyDict_New();
    yaml_parser_t parser;
    int parser_ready = 0;
    PyObject *root = NULL, *result = NULL;
    Py_ssize_t depth = 0, nodes = 0;
    int documents = 0, finished = 0, status = ERROR;
    if (context.layout == NULL || context.numbers == NULL)
        goto out;
    if (!yaml_parser_initialize(&parser)) {
        PyErr_NoMemory();
        goto out;
    }
    parser_ready = 1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, (size_t)size);
    /* The bytes are UTF-8 (without a BOM, which the caller excludes): libyaml
     * need not guess, and never reads them as UTF-16. */
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    status = OK;
    while (status == OK && !finished) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            status = DECLINE;
            break;
        }
        status = on_event(&context, stack, &depth, &event, &nodes, &documents, &root, &finished);
        yaml_event_delete(&event);
    }
    if (status == OK && root != NULL)
        result = Py_BuildValue("(OOO)", root, (PyObject *)context.layout, context.numbers);
out:
    if (status == ERROR && PyErr_ExceptionMatches(PyExc_Exception))
        PyErr_Clear();                          /* any doubt goes to the Python path */
    if (result == NULL && !PyErr_Occurred())
        result = Py_NewRef(Py_None);
    for (Py_ssize_t i = 0; i <= depth; i++)
        frame_clear(&stack[i]);
    PyMem_Free(stack);
    if (parser_ready)
        yaml_parser_delete(&parser);
    Py_XDECREF(root);
    Py_XDECREF(context.layout);
    Py_XDECREF(context.numbers);
    return result;
}

/* The bytes for which _NON_PRINTABLE (compliance.read) finds a character in
 * UTF-8: the C0 controls but tab and line breaks, and DEL; and the lead
 * bytes of the C1 controls (0xC2) and of U+FFFE/U+FFFF (0xEF), which need
 * the bytes after them. */
static unsigned char suspect[256];

/* The index of the first byte from i on that `flagged` marks, or size:
 * eight bytes a step past the unflagged (nearly all of them). */
static Py_ssize_t next_flagged(const unsigned char *data, Py_ssize_t i, Py_ssize_t size,
                               const unsigned char *flagged)
{
    while (i + 8 <= size && !(flagged[data[i]] | flagged[data[i + 1]] | flagged[data[i + 2]]
                              | flagged[data[i + 3]] | flagged[data[i + 4]] | flagged[data[i + 5]]
                              | flagged[data[i + 6]] | flagged[data[i + 7]]))
        i += 8;
    while (i < size && !flagged[data[i]])
        i++;
    return i;
}

static PyObject *printable(PyObject *Py_UNUSED(module), PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    const unsigned char *data = view.buf;
    Py_ssize_t size = view.len, i = 0;
    int clean = 1;
    while (clean) {
        i = next_flagged(data, i, size, suspect);
        if (i >= size)
            break;
        unsigned char byte = data[i];
        if (byte == 0xC2)           /* U+0080-U+0084, U+0086-U+009F; NEL (0x85) is a line break */
            clean = !(i + 1 < size && data[i + 1] >= 0x80 && data[i + 1] <= 0x9F && data[i + 1] != 0x85);
        else if (byte == 0xEF)      /* U+FFFE, U+FFFF */
            clean = !(i + 2 < size && data[i + 1] == 0xBF && (data[i + 2] == 0xBE || data[i + 2] == 0xBF));
        else
            clean = 0;
        i++;
    }
    PyBuffer_Release(&view);
    return PyBool_FromLong(clean);
}

/* The bytes `unchanged` stops at: those `printable` does, a tab, and the
 * lead byte of U+2028 and U+2029 (0xE2), which needs the bytes after it. */
static unsigned char special[256];

/* Whether UTF-8 bytes hold no character compliance.read.parse replaces or
 * looks at again before reading: none _NON_PRINTABLE finds, no NUL, tab,
 * U+2028, U+2029, NEL or U+FEFF. One pass, as printable's. */
static PyObject *unchanged(PyObject *Py_UNUSED(module), PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    const unsigned char *data = view.buf;
    Py_ssize_t size = view.len, i = 0;
    int clean = 1;
    while (clean) {
        i = next_flagged(data, i, size, special);
        if (i >= size)
            break;
        unsigned char byte = data[i];
        if (byte == 0xC2)           /* U+0080-U+009F: the C1 controls and NEL */
            clean = !(i + 1 < size && data[i + 1] >= 0x80 && data[i + 1] <= 0x9F);
        else if (byte == 0xEF)      /* U+FEFF, U+FFFE, U+FFFF */
            clean = !(i + 2 < size && ((data[i + 1] == 0xBB && data[i + 2] == 0xBF)
                                       || (data[i + 1] == 0xBF && (data[i + 2] == 0xBE || data[i + 2] == 0xBF))));
        else if (byte == 0xE2)      /* U+2028, U+2029 */
            clean = !(i + 2 < size && data[i + 1] == 0x80 && (data[i + 2] == 0xA8 || data[i + 2] == 0xA9));
        else                        /* a C0 control (NUL, tab), DEL */
            clean = 0;
        i++;
    }
    PyBuffer_Release(&view);
    return PyBool_FromLong(clean);
}

static PyMethodDef methods[] = {
    {"values", values, METH_VARARGS,
     "values(utf8, end, max_depth, max_nodes, max_string, first, other, block, doubt, ascii_resolvers=False,\n"
     "       iso_dates=False)\n"
     "--\n\n"
     "(root, layout, numbers) of a YAML text, or None where compliance.fastyaml._values declines."},
    {"printable", printable, METH_O,
     "printable(utf8)\n"
     "--\n\n"
     "Whether UTF-8 bytes hold no character compliance.read._NON_PRINTABLE replaces."},
    {"unchanged", unchanged, METH_O,
     "unchanged(utf8)\n"
     "--\n\n"
     "Whether UTF-8 bytes hold no character compliance.read.parse replaces or looks at again."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "compliance._cyaml", NULL, -1, methods};

PyMODINIT_FUNC PyInit__cyaml(void)
{
    STR_TAG = PyUnicode_InternFromString("tag:yaml.org,2002:str");
    MERGE_TAG = PyUnicode_InternFromString("tag:yaml.org,2002:merge");
    resolved = PyDict_New();
    for (int byte = 0; byte < 0x20; byte++)
        suspect[byte] = byte != '\t' && byte != '\n' && byte != '\r';
    suspect[0x7F] = suspect[0xC2] = suspect[0xEF] = 1;
    memcpy(special, suspect, sizeof special);
    special['\t'] = special[0xE2] = 1;
    if (STR_TAG == NULL || MERGE_TAG == NULL || resolved == NULL || PyType_Ready(&LayoutType) < 0)
        return NULL;
    PyObject *created = PyModule_Create(&module);
    if (created != NULL && PyModule_AddObjectRef(created, "Layout", (PyObject *)&LayoutType) < 0)
        Py_CLEAR(created);
    return created;
}
