"""issue: the structure of a gazette issue and of each document in it (GB/T 9704).

The stage runs Text → Segmentation → Document, one module per part of the issue, imports running
one way (each module imports only those listed above it):

    grammar      grammars/document.toml compiled
    lines        the cleaned text as lines with offsets
    lexicon      dates, 文号, 文种, and the tests a line is put to (title? date? 版记?)
    history      the dated 题注 under a law's title (通过, 公布, 修正 …)
    head         what opens a document: title lines, 文号, numbered 令 header
    toc          the bilingual table of contents
    colophon     the issue's own data: masthead and colophon
    segment      Text → Segmentation: issue info, contents, one DocumentText per document
    signature    the signature block: issuers, signer, 成文日期
    attachments  what a document issues and attaches, and its body spans
    document     DocumentText → Document: the GB/T 9704 fields, as a sequence of named steps
    orders       a 令 → itself titled by what it promulgates, plus each re-published act
    outline      a quick look at the split, for the CLI
"""
