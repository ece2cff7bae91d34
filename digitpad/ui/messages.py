"""Show the ML layer's errors in the user's language.

``digitpad.ml`` raises :class:`~digitpad.ml.errors.DigitpadError` with an English
sentence (what the command line prints) and, for the common cases, a stable ``code``,
the ``path`` concerned and an untranslated technical ``detail``. Here each code maps to
a translatable sentence; an error without a known code still gets a translated lead
sentence followed by the English original, so nothing is ever hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from digitpad.ml import errors as E

CONTEXT = "ErrorMessages"

# What was being done, by error class (the first line of the message).
_LEADS = {
    E.DatasetError: QT_TRANSLATE_NOOP("ErrorMessages", "The dataset could not be loaded."),
    E.ModelError: QT_TRANSLATE_NOOP("ErrorMessages", "The model could not be opened."),
    E.ImageError: QT_TRANSLATE_NOOP("ErrorMessages", "The image could not be read."),
    E.UserDigitsError: QT_TRANSLATE_NOOP(
        "ErrorMessages", "Your digits (My digits) could not be read or saved."
    ),
}
_GENERIC_LEAD = QT_TRANSLATE_NOOP("ErrorMessages", "Something went wrong.")

# Why, by code. {path} is the file, {detail} the untranslated technical reason.
_REASONS = {
    E.NO_SUCH_FILE: QT_TRANSLATE_NOOP("ErrorMessages", "The file does not exist: {path}"),
    E.IS_FOLDER: QT_TRANSLATE_NOOP("ErrorMessages", "This is a folder, not a file: {path}"),
    E.NOT_REGULAR_FILE: QT_TRANSLATE_NOOP(
        "ErrorMessages", "This is a pipe, device or socket, not a file: {path}"
    ),
    E.PERMISSION_DENIED: QT_TRANSLATE_NOOP(
        "ErrorMessages", "You do not have permission to read this file: {path}"
    ),
    E.UNREADABLE: QT_TRANSLATE_NOOP("ErrorMessages", "The file cannot be read: {path}"),
    E.NAME_TOO_LONG: QT_TRANSLATE_NOOP(
        "ErrorMessages", "The path is too long for this file system ({detail}): {path}"
    ),
    E.EMPTY_FILE: QT_TRANSLATE_NOOP("ErrorMessages", "The file is empty: {path}"),
    E.IMAGE_TOO_LARGE: QT_TRANSLATE_NOOP(
        "ErrorMessages", "The image is too large to read safely ({detail}): {path}"
    ),
    E.NOT_KERAS_MODEL: QT_TRANSLATE_NOOP(
        "ErrorMessages", "This is not a Keras model (.keras file): {path}"
    ),
    E.LEGACY_HDF5: QT_TRANSLATE_NOOP(
        "ErrorMessages",
        "This is an old HDF5 model; digitpad opens only .keras files. "
        "Save the model again as .keras: {path}",
    ),
    E.DAMAGED: QT_TRANSLATE_NOOP(
        "ErrorMessages", "The file is damaged or truncated (only partly saved): {path}"
    ),
    E.TOO_LARGE: QT_TRANSLATE_NOOP(
        "ErrorMessages",
        "The file would unpack to far more than it can need, so digitpad did not open it "
        "(a zip bomb?): {path}",
    ),
    E.UNSAFE_CODE: QT_TRANSLATE_NOOP(
        "ErrorMessages",
        "The model contains code (a Lambda layer) that digitpad refuses to run for safety: {path}",
    ),
    E.CANNOT_LOAD: QT_TRANSLATE_NOOP("ErrorMessages", "Keras could not load this model: {path}"),
    E.WRONG_INPUT_SHAPE: QT_TRANSLATE_NOOP(
        "ErrorMessages",
        "The model expects input of shape {detail}, but digitpad gives it 784 pixels "
        "(28×28): {path}",
    ),
    E.WRONG_OUTPUT_SHAPE: QT_TRANSLATE_NOOP(
        "ErrorMessages",
        "The model has output shape {detail}, but digitpad needs 10 classes "
        "(the digits 0 to 9): {path}",
    ),
    E.UNSUPPORTED_LAYER: QT_TRANSLATE_NOOP(
        "ErrorMessages",
        "The model uses something digitpad's fast predictor does not support ({detail}): {path}",
    ),
    E.MNIST_MISSING: QT_TRANSLATE_NOOP(
        "ErrorMessages",
        "MNIST was not found. Download mnist.npz (Keras' layout) and open it with "
        "Model > Open dataset…, or set the environment variable DIGITPAD_MNIST to its path.",
    ),
    E.NOT_MNIST: QT_TRANSLATE_NOOP(
        "ErrorMessages", "This is not an MNIST file in Keras' layout: {path}"
    ),
    E.NOT_NPZ: QT_TRANSLATE_NOOP("ErrorMessages", "This is not a readable .npz file: {path}"),
    E.NOT_IMAGE: QT_TRANSLATE_NOOP("ErrorMessages", "This is not a readable image: {path}"),
    E.BAD_ADDRESS: QT_TRANSLATE_NOOP(
        "ErrorMessages", "This is not a valid download address ({detail}): {path}"
    ),
    E.DOWNLOAD_FAILED: QT_TRANSLATE_NOOP(
        "ErrorMessages", "Downloading from {path} failed: {detail}"
    ),
    E.DOWNLOAD_STOPPED: QT_TRANSLATE_NOOP(
        "ErrorMessages", "The download was stopped; nothing was kept."
    ),
}
# No MNIST, said for where the window stands (ml.data's detail): what to do next.
_MNIST_MISSING_BY_DETAIL = {
    "online": QT_TRANSLATE_NOOP(
        "ErrorMessages",
        "MNIST is not on this computer yet: download it below (11 MB), or open your copy "
        "of mnist.npz with Open dataset….",
    ),
    "offline": QT_TRANSLATE_NOOP(
        "ErrorMessages",
        "MNIST is not on this computer and it is offline: copy mnist.npz (Keras' layout) "
        "here and open it with Open dataset…, or set DIGITPAD_MNIST to its path.",
    ),
}
# Codes whose {detail} is not already part of the sentence: show it on its own line.
_DETAIL_LINE = {
    E.UNREADABLE,
    E.DAMAGED,
    E.TOO_LARGE,
    E.CANNOT_LOAD,
    E.MNIST_MISSING,
    E.NOT_MNIST,
    E.NOT_NPZ,
}
_DETAIL = QT_TRANSLATE_NOOP("ErrorMessages", "Details: {detail}")


def _tr(source: str) -> str:
    return QCoreApplication.translate(CONTEXT, source)


def translatable_codes() -> set[str]:
    return set(_REASONS)


def error_lead(error: BaseException) -> str:
    """One translated sentence saying what failed (fit for a dialog's title line)."""
    for cls, lead in _LEADS.items():
        if isinstance(error, cls):
            return _tr(lead)
    return _tr(_GENERIC_LEAD)


def error_text(error: BaseException, lead: str | None = None) -> str:
    """The error in the current language, one sentence per line.

    ``lead`` (already translated) says what failed, e.g. "The model could not be saved.";
    by default it is chosen by the error's class. Known codes give a fully translated
    explanation; anything else gives the lead plus ``str(error)`` (the English original
    from the ML layer, which names the file and the cause).
    """
    lead = lead or error_lead(error)
    code = getattr(error, "code", "")
    path = E.shown_path(getattr(error, "path", ""), limit=200)  # 4,000 characters: no
    detail = getattr(error, "detail", "")
    reason = _REASONS.get(code)
    if code == E.MNIST_MISSING and detail in _MNIST_MISSING_BY_DETAIL:
        return "\n".join([lead, _tr(_MNIST_MISSING_BY_DETAIL[detail])])
    if reason is None or ("{path}" in reason and not path):
        return f"{lead}\n{error}" if str(error) else lead
    lines = [lead, _tr(reason).format(path=path, detail=detail)]
    if detail and code in _DETAIL_LINE:
        lines.append(_tr(_DETAIL).format(detail=detail))
    return "\n".join(lines)
