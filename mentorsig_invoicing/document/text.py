# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Text made safe where it enters a document.

Users paste text from word processors, spreadsheets and e-mails: a vertical
tab is the manual line break of Word and LibreOffice, a form feed a page
break, U+2028 the line separator of some web forms.  XML 1.0 (the Factur-X)
refuses most control characters and reportlab draws them as the missing
glyph box that PDF/A forbids, so every text of a document goes through
`clean()` once, when the document is built: what the user meant to break a
line becomes a newline, a tab a space, and the other control characters,
lone surrogates and non-characters disappear.
"""
import re
import unicodedata

# What users mean as a line break: CR LF, CR, VT (Word's manual line
# break), FF (page break), NEL, LINE and PARAGRAPH SEPARATOR
_LINE_BREAKS = re.compile('\r\n|[\r\x0b\x0c\x85\u2028\u2029]')
# Neither XML 1.0 nor a printed page wants these: the C0 and C1 controls
# other than LF and TAB, DEL, lone surrogates and the non-characters
_UNSAFE = re.compile(
    '[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef'
    '\ufffe\uffff]|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff'
    '\U0003fffe\U0003ffff\U000efffe\U000effff\U000ffffe\U000fffff'
    '\U0010fffe\U0010ffff]')
_NEEDS_WORK = re.compile(
    '[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]'
    '|[\U0001fffe-\U0010ffff]')


def clean(text, multiline=True):
    """The text as it should print: line breaks as "\\n" (or spaces when
    the text is one line), tabs as spaces, no other control character;
    Unicode in its composed form (NFC), as XML and fonts expect"""
    if not text:
        return text
    if _NEEDS_WORK.search(text) is not None:
        text = _LINE_BREAKS.sub('\n', text)
        text = text.replace('\t', ' ')
        text = _UNSAFE.sub('', text)
    if not multiline and '\n' in text:
        text = ' '.join(part.strip() for part in text.split('\n')
            if part.strip())
    if not text.isascii():
        text = unicodedata.normalize('NFC', text)
    return text
