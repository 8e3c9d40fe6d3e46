/* compliance._cjson: the engine's facts as compact ASCII JSON.
 *
 * dumps(value) writes exactly what compliance.engine's Python path writes:
 * json.dumps(value, separators=(",", ":"), check_circular=False) followed by
 * the bare-exponent fix (5e-05 -> 5.0e-05, as durable_rules reads numbers).
 * The C encoder of the json module spends ~2,000 instructions a field (it
 * escapes every key again and joins many small str pieces); this writes
 * each value straight into one growing byte buffer.
 *
 * Only the plain types facts hold are written here: exact dict (str keys),
 * list, tuple, str, int, float, bool and None. For anything else (a subclass,
 * a non-str key, nesting deeper than MAX_DEPTH) dumps returns None and the
 * caller writes the value by the Python path, so the output never differs.
 * No Python code runs while writing (no __repr__ of a subclass is called),
 * so the borrowed references taken from dicts and lists stay valid.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* Facts are a list of flat dicts holding short lists: a few levels deep. */
#define MAX_DEPTH 32

typedef struct {
    char *data;
    Py_ssize_t length;
    Py_ssize_t capacity;
} Buffer;

/* 1: written; 0: not a type written here (the caller falls back); -1: error. */
enum { FAILED = -1, FALLBACK = 0, WRITTEN = 1 };

static int
reserve(Buffer *buffer, Py_ssize_t more)
{
    if (buffer->length + more <= buffer->capacity)
        return 0;
    if (more > PY_SSIZE_T_MAX / 2 - buffer->length) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t capacity = buffer->capacity * 2;
    if (capacity < buffer->length + more)
        capacity = buffer->length + more;
    char *data = PyMem_Realloc(buffer->data, (size_t)capacity);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    buffer->data = data;
    buffer->capacity = capacity;
    return 0;
}

static int
append(Buffer *buffer, const char *text, Py_ssize_t length)
{
    if (reserve(buffer, length) < 0)
        return -1;
    memcpy(buffer->data + buffer->length, text, (size_t)length);
    buffer->length += length;
    return 0;
}

static const char HEX[] = "0123456789abcdef";

/* The escape json's ensure_ascii writes for a character below 0x80 that is
 * not written as itself: 0 for none, a letter for a short form, 'u' for \u00XX. */
static char SHORT[128];

static void
init_short(void)
{
    for (int c = 0; c < 0x20; c++)
        SHORT[c] = 'u';
    SHORT[0x7f] = 'u';
    SHORT['"'] = '"';
    SHORT['\\'] = '\\';
    SHORT['\n'] = 'n';
    SHORT['\r'] = 'r';
    SHORT['\t'] = 't';
    SHORT['\b'] = 'b';
    SHORT['\f'] = 'f';
}

static inline char *
write_u(char *out, Py_UCS4 c)
{
    out[0] = '\\';
    out[1] = 'u';
    out[2] = HEX[(c >> 12) & 0xf];
    out[3] = HEX[(c >> 8) & 0xf];
    out[4] = HEX[(c >> 4) & 0xf];
    out[5] = HEX[c & 0xf];
    return out + 6;
}

/* One character as json's ensure_ascii escapes it (the C encoder's
 * ascii_escape_unicode): printable ASCII as itself, the rest escaped. */
static inline char *
write_char(char *out, Py_UCS4 c)
{
    if (c < 0x80) {
        char escape = SHORT[c];
        if (escape == 0)
            *out++ = (char)c;
        else if (escape == 'u')
            out = write_u(out, c);
        else {
            out[0] = '\\';
            out[1] = escape;
            out += 2;
        }
    }
    else if (c >= 0x10000) {
        Py_UCS4 v = c - 0x10000;
        out = write_u(out, 0xd800 | ((v >> 10) & 0x3ff));
        out = write_u(out, 0xdc00 | (v & 0x3ff));
    }
    else
        out = write_u(out, c);
    return out;
}

/* A loop for each width of str, so no character asks which width it has. */
#define WRITE_CHARS(TYPE) do { \
        const TYPE *chars = (const TYPE *)data; \
        for (Py_ssize_t i = 0; i < length; i++) \
            out = write_char(out, chars[i]); \
    } while (0)

/* A str as json's ensure_ascii writes it, in its quotes. */
static int
write_str(Buffer *buffer, PyObject *text)
{
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    /* Worst case: 12 bytes (a surrogate pair) a character, plus the quotes. */
    Py_ssize_t most = kind == PyUnicode_1BYTE_KIND ? 6 : 12;
    if (length > (PY_SSIZE_T_MAX - 2) / most) {
        PyErr_NoMemory();
        return -1;
    }
    if (reserve(buffer, length * most + 2) < 0)
        return -1;
    char *out = buffer->data + buffer->length;
    *out++ = '"';
    if (kind == PyUnicode_1BYTE_KIND)
        WRITE_CHARS(Py_UCS1);
    else if (kind == PyUnicode_2BYTE_KIND)
        WRITE_CHARS(Py_UCS2);
    else
        WRITE_CHARS(Py_UCS4);
    *out++ = '"';
    buffer->length = out - buffer->data;
    return 0;
}

static int
write_int(Buffer *buffer, PyObject *number)
{
    int overflow = 0;
    long long value = PyLong_AsLongLongAndOverflow(number, &overflow);
    if (overflow == 0) {
        if (value == -1 && PyErr_Occurred())
            return -1;
        char digits[24];
        char *end = digits + sizeof digits, *start = end;
        unsigned long long magnitude = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
        do {
            *--start = (char)('0' + magnitude % 10);
            magnitude /= 10;
        } while (magnitude);
        if (value < 0)
            *--start = '-';
        return append(buffer, start, end - start);
    }
    /* int's own repr, so the limit on digits (sys.set_int_max_str_digits)
     * raises here exactly as it does in json.dumps. */
    PyObject *text = PyLong_Type.tp_repr(number);
    if (text == NULL)
        return -1;
    Py_ssize_t length;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &length);
    int result = utf8 == NULL ? -1 : append(buffer, utf8, length);
    Py_DECREF(text);
    return result;
}

static int
write_float(Buffer *buffer, PyObject *number)
{
    double value = PyFloat_AS_DOUBLE(number);
    if (!Py_IS_FINITE(value)) {
        /* json's allow_nan default; the Python path writes these unchanged. */
        if (Py_IS_NAN(value))
            return append(buffer, "NaN", 3);
        return value > 0 ? append(buffer, "Infinity", 8) : append(buffer, "-Infinity", 9);
    }
    /* float's repr, as json writes it. */
    char *text = PyOS_double_to_string(value, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (text == NULL)
        return -1;
    size_t length = strlen(text);
    char *exponent = strchr(text, 'e');
    int result;
    if (exponent != NULL && memchr(text, '.', (size_t)(exponent - text)) == NULL) {
        /* durable_rules reads an exponent only after a decimal point. */
        Py_ssize_t head = exponent - text;
        result = append(buffer, text, head);
        if (result == 0)
            result = append(buffer, ".0", 2);
        if (result == 0)
            result = append(buffer, exponent, (Py_ssize_t)length - head);
    }
    else
        result = append(buffer, text, (Py_ssize_t)length);
    PyMem_Free(text);
    return result;
}

static int write_value(Buffer *buffer, PyObject *value, int depth);

/* Each key written, with its colon, by the key object: every fact of a
 * kind has the same field names (the same str objects), so a key is escaped
 * once, not once a fact. Looked up by identity (a slot holds a reference to
 * its key, so no other str can take its address); a key that meets another
 * in its slot takes the slot. Bounded: SLOTS keys of at most CACHED_LENGTH
 * characters. */
#define SLOTS 1024
#define CACHED_LENGTH 100

typedef struct {
    PyObject *key;
    char *written;
    Py_ssize_t length;
} Slot;

static Slot slots[SLOTS];

static int
write_key(Buffer *buffer, PyObject *key)
{
    Slot *slot = &slots[((uintptr_t)key >> 4) % SLOTS];
    if (slot->key == key)
        return append(buffer, slot->written, slot->length);
    Py_ssize_t start = buffer->length;
    if (write_str(buffer, key) < 0 || append(buffer, ":", 1) < 0)
        return -1;
    if (PyUnicode_GET_LENGTH(key) > CACHED_LENGTH)
        return 0;
    Py_ssize_t length = buffer->length - start;
    char *written = PyMem_Realloc(slot->written, (size_t)length);
    if (written == NULL)
        return 0;       /* slot->written is unchanged, still its key's */
    memcpy(written, buffer->data + start, (size_t)length);
    Py_INCREF(key);
    Py_XSETREF(slot->key, key);
    slot->written = written;
    slot->length = length;
    return 0;
}

static int
write_sequence(Buffer *buffer, PyObject **items, Py_ssize_t count, int depth)
{
    if (append(buffer, "[", 1) < 0)
        return FAILED;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (i > 0 && append(buffer, ",", 1) < 0)
            return FAILED;
        int written = write_value(buffer, items[i], depth + 1);
        if (written != WRITTEN)
            return written;
    }
    return append(buffer, "]", 1) < 0 ? FAILED : WRITTEN;
}

static int
write_dict(Buffer *buffer, PyObject *dict, int depth)
{
    if (append(buffer, "{", 1) < 0)
        return FAILED;
    Py_ssize_t position = 0;
    PyObject *key, *value;
    int first = 1;
    while (PyDict_Next(dict, &position, &key, &value)) {
        /* json turns int, float, bool and None keys into text: the Python path does that. */
        if (!PyUnicode_CheckExact(key))
            return FALLBACK;
        if (!first && append(buffer, ",", 1) < 0)
            return FAILED;
        first = 0;
        if (write_key(buffer, key) < 0)
            return FAILED;
        int written = write_value(buffer, value, depth + 1);
        if (written != WRITTEN)
            return written;
    }
    return append(buffer, "}", 1) < 0 ? FAILED : WRITTEN;
}

static int
write_value(Buffer *buffer, PyObject *value, int depth)
{
    if (depth > MAX_DEPTH)
        return FALLBACK;
    PyTypeObject *type = Py_TYPE(value);
    int result;
    if (type == &PyUnicode_Type)
        result = write_str(buffer, value);
    else if (value == Py_None)
        result = append(buffer, "null", 4);
    else if (value == Py_True)
        result = append(buffer, "true", 4);
    else if (value == Py_False)
        result = append(buffer, "false", 5);
    else if (type == &PyLong_Type)
        result = write_int(buffer, value);
    else if (type == &PyFloat_Type)
        result = write_float(buffer, value);
    else if (type == &PyDict_Type)
        return write_dict(buffer, value, depth);
    else if (type == &PyList_Type)
        return write_sequence(buffer, PySequence_Fast_ITEMS(value), PyList_GET_SIZE(value), depth);
    else if (type == &PyTuple_Type)
        return write_sequence(buffer, PySequence_Fast_ITEMS(value), PyTuple_GET_SIZE(value), depth);
    else
        return FALLBACK;
    return result < 0 ? FAILED : WRITTEN;
}

static PyObject *
dumps(PyObject *module, PyObject *value)
{
    Buffer buffer = {PyMem_Malloc(4096), 0, 4096};
    if (buffer.data == NULL)
        return PyErr_NoMemory();
    int written = write_value(&buffer, value, 0);
    PyObject *result = NULL;
    if (written == WRITTEN) {
        result = PyUnicode_New(buffer.length, 127);
        if (result != NULL)
            memcpy(PyUnicode_1BYTE_DATA(result), buffer.data, (size_t)buffer.length);
    }
    else if (written == FALLBACK)
        result = Py_NewRef(Py_None);
    PyMem_Free(buffer.data);
    return result;
}

static PyMethodDef methods[] = {
    {"dumps", dumps, METH_O,
     "dumps(value) -> str or None\n\n"
     "value as compact ASCII JSON with every exponent after a decimal point,\n"
     "as compliance.engine.dumps writes it; None for a value of a type this\n"
     "does not write (the caller then writes it by the Python path)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "compliance._cjson",
    "The engine's facts as compact ASCII JSON (compliance.engine.dumps).", -1, methods,
};

PyMODINIT_FUNC
PyInit__cjson(void)
{
    init_short();
    return PyModule_Create(&module);
}
