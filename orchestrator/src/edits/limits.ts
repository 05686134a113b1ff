/**
 * Files of up to this many lines may be answered as a whole file instead of a diff.
 *
 * Why 200: a whole-file answer costs the model ~10 tokens a line, so 200 lines is ~2k output
 * tokens — comfortably inside a 4k max_tokens with room for prose, and still fast on a local
 * 7B/14B. Past that, small models reproducing a file verbatim start to drift (dropped or
 * "simplified" lines, placeholder comments, truncation at the token limit), and a silent drift
 * in an unchanged region is exactly what the diff checks cannot see. It is also below the
 * default 300-line change limit, so a full rewrite of an allowed file can still pass it.
 */
export const WHOLE_FILE_MAX_LINES = 200;
