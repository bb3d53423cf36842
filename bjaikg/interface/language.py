"""The two languages of the pages (Chinese and English): choosing one per request, UI wording.

The page language comes from ``?lang=zh|en`` when given, else from the ``Accept-Language``
header (the one of ``zh``/``en`` it prefers, by q-value), else English. Data literals keep their
own language tag; this module only decides which one a page prefers and the words of the page
around them.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"


def choose_language(parameter: str | None, accept_language: str | None) -> str:
    """The page language: the ``lang`` parameter if it names one of :data:`LANGUAGES`, else the
    ``zh``/``en`` range of ``Accept-Language`` with the highest q-value (the first of equals;
    ``q=0`` means "not this one"; a range with an unreadable q-value is skipped), else
    :data:`DEFAULT_LANGUAGE`.

    >>> choose_language(None, "zh;q=0, en")
    'en'
    >>> choose_language(None, "fr, en;q=0.5, zh-CN;q=0.8")
    'zh'
    >>> choose_language("zh", "en")
    'zh'
    """
    if parameter in LANGUAGES:
        return parameter
    chosen, best = DEFAULT_LANGUAGE, 0.0
    for item in (accept_language or "").split(","):
        tag, _, parameters = item.partition(";")
        name, _, value = parameters.partition("=")
        try:
            quality = float(value) if name.strip().lower() == "q" else 1.0
        except ValueError:
            continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > best:
            chosen, best = primary, quality
    return chosen


def other_language(language: str) -> str:
    """The language the switch on each page offers."""
    return "zh" if language == "en" else "en"


WORDS: dict[str, dict[str, str]] = {
    "site": {"en": "Beijing AI Knowledge Graph", "zh": "北京人工智能知识图谱"},
    "query": {"en": "Query", "zh": "查询"},
    "ontology": {"en": "Ontology", "zh": "本体"},
    "dataset": {"en": "Dataset", "zh": "数据集"},
    "api": {"en": "API", "zh": "接口"},
    "search": {"en": "Search", "zh": "搜索"},
    "search_label": {"en": "Search labels", "zh": "搜索名称"},
    "search_placeholder": {"en": "e.g. 原点社区 or chip", "zh": "如 原点社区 或 芯片"},
    "switch": {"en": "中文", "zh": "English"},
    "switch_label": {"en": "切换到中文", "zh": "Switch to English"},
    "examples": {"en": "Example questions", "zh": "示例问题"},
    "examples_hint": {
        "en": "The competency questions of the graph, each checked against its expected answer.",
        "zh": "图谱的能力问题，每个都对照其预期答案检验过。",
    },
    "editor_missing": {
        "en": "The query editor's files are not installed. Run `npm ci` in the checkout "
        "(scripts/serve.sh does it) and reload; meanwhile the plain form below queries /sparql.",
        "zh": "查询编辑器的文件尚未安装。请在代码目录运行 `npm ci`（scripts/serve.sh 会执行）"
        "后刷新；在此之前可用下方的简单表单查询 /sparql。",
    },
    "editor_needs_javascript": {
        "en": "The query editor needs JavaScript, which this browser does not run here. The "
        "plain form below sends a query to /sparql without it; an example question fills it in.",
        "zh": "查询编辑器需要 JavaScript，而此浏览器在本页未运行 JavaScript。下方的简单表单无需"
        " JavaScript 即可向 /sparql 发送查询；点击示例问题即可将其填入表单。",
    },
    "editor_keys": {
        "en": "In the editor, Tab indents: press Esc, then Tab, to leave it. "
        "Ctrl+Space completes prefixes, classes and properties; Ctrl+Enter runs the query.",
        "zh": "在编辑器中 Tab 键用于缩进：先按 Esc 再按 Tab 即可离开编辑器。"
        "Ctrl+空格 补全前缀、类和属性；Ctrl+Enter 运行查询。",
    },
    "skip_to_editor": {"en": "Skip to the query editor", "zh": "跳到查询编辑器"},
    "answer_format": {"en": "Answer format", "zh": "结果格式"},
    "tab_name": {"en": "Tab name", "zh": "标签页名称"},
    "run": {"en": "Run query", "zh": "运行查询"},
    "sparql_query": {"en": "SPARQL query", "zh": "SPARQL 查询"},
    "type": {"en": "Type", "zh": "类型"},
    "properties": {"en": "Properties", "zh": "属性"},
    "property": {"en": "Property", "zh": "属性"},
    "value": {"en": "Value", "zh": "值"},
    "incoming": {"en": "Referenced by", "zh": "被引用"},
    "subject": {"en": "Subject", "zh": "主体"},
    "incoming_cut": {
        "en": "Only the first {limit} found are shown; there are more.",
        "zh": "仅显示最先找到的 {limit} 条，另有更多。",
    },
    "see_all": {"en": "See them all in the query editor", "zh": "在查询编辑器中查看全部"},
    "statements_cut": {
        "en": "Only the first {limit} statements found are shown; the RDF downloads hold them all.",
        "zh": "仅显示最先找到的 {limit} 条陈述；RDF 下载文件包含全部。",
    },
    "sources": {"en": "Sources and supporting sentences", "zh": "来源与原文"},
    "paragraph": {"en": "paragraph", "zh": "段落"},
    "record_note": {"en": "note", "zh": "说明"},
    "record_quote": {"en": "quote", "zh": "原文"},
    "record_quotes": {"en": "{count} quotes", "zh": "{count} 条原文"},
    "records": {"en": "Issuance records", "zh": "发布记录"},
    "records_hint": {
        "en": "The policy's issuing as each source reports it, under what the policy's own "
        "statements say: where sources disagree, each record stands with its own.",
        "zh": "各来源所报道的该政策发布情况，列于政策本身的陈述之下：来源之间不一致时，"
        "各条记录连同各自来源并列。",
    },
    "records_cut": {
        "en": "Only the first {limit} records found are shown; there are more.",
        "zh": "仅显示最先找到的 {limit} 条记录，另有更多。",
    },
    "record": {"en": "Record", "zh": "记录"},
    "date": {"en": "Date", "zh": "日期"},
    "issued": {"en": "issued", "zh": "发布"},
    "in_force": {"en": "in force", "zh": "施行"},
    "issued_by": {"en": "Issued by", "zh": "发布机关"},
    "targets": {"en": "Targets", "zh": "针对对象"},
    "document": {"en": "Document", "zh": "文件"},
    "document_number": {"en": "document number", "zh": "文号"},
    "implements": {"en": "implements", "zh": "落实"},
    "as_stated": {"en": "As the policy itself states", "zh": "政策本身的陈述"},
    "external": {"en": "External links", "zh": "外部链接"},
    "search_notes": {"en": "Search notes", "zh": "检索记录"},
    "neighbourhood": {"en": "Neighbourhood", "zh": "关联图"},
    "neighbourhood_hint": {
        "en": "Along the chain policy → place → organisation → product → chip.",
        "zh": "沿“政策 → 地点 → 机构 → 产品 → 芯片”链展示。",
    },
    "neighbourhood_cut": {
        "en": "{stage}: {shown} of {reached} shown.",
        "zh": "{stage}：共 {reached} 个，显示 {shown} 个。",
    },
    "downloads": {"en": "This description as", "zh": "本描述的格式"},
    "not_found": {"en": "Not found", "zh": "未找到"},
    "deprecated": {"en": "This IRI is deprecated.", "zh": "此 IRI 已弃用。"},
    "replaced_by": {"en": "Replaced by", "zh": "已由以下资源替代"},
    "no_page_text": {
        "en": "This server has no page at this address.",
        "zh": "本服务器在此地址没有页面。",
    },
    "not_found_text": {
        "en": "The graph says nothing about this resource.",
        "zh": "图谱中没有关于此资源的陈述。",
    },
    "classes": {"en": "Classes", "zh": "类"},
    "hierarchy": {"en": "Class hierarchy", "zh": "类层次"},
    "class_diagram": {"en": "Class diagram", "zh": "类图"},
    "definition": {"en": "Definition", "zh": "定义"},
    "superclasses": {"en": "Subclass of", "zh": "父类"},
    "subclasses": {"en": "Subclasses", "zh": "子类"},
    "domain": {"en": "Domain", "zh": "定义域"},
    "range": {"en": "Range", "zh": "值域"},
    "subproperty_of": {"en": "Subproperty of", "zh": "父属性"},
    "inverse": {"en": "Inverse of", "zh": "逆属性"},
    "individuals": {"en": "Concepts and other individuals", "zh": "概念与其他个体"},
    "individuals_hint": {
        "en": "The values the ontology itself defines (SKOS concepts, qualifiers, claim types, "
        "roles …), each under its concept scheme or, without one, under its type.",
        "zh": "本体自身定义的取值（SKOS 概念、限定词、陈述类型、角色等），"
        "按所属概念体系列出；不属于概念体系的按其类型列出。",
    },
    "broader": {"en": "Broader", "zh": "上位概念"},
    "narrower": {"en": "Narrower", "zh": "下位概念"},
    "statistics": {"en": "Statistics", "zh": "统计"},
    "files": {"en": "Files and named graphs", "zh": "文件与命名图"},
    "triples": {"en": "triples", "zh": "三元组"},
    "inferred": {"en": "Triples inferred", "zh": "推理得到的三元组"},
    "entities_per_class": {"en": "Entities per class", "zh": "各类实体数"},
    "licence": {"en": "Licence", "zh": "许可"},
    "cite": {"en": "How to cite", "zh": "引用方式"},
    "releases": {"en": "Releases", "zh": "发布版本"},
    "releases_intro": {
        "en": "Each release is a fixed copy of the whole graph; cite the version you used. "
        "Check a download with sha256sum -c --ignore-missing SHA256SUMS "
        "(the option skips the files not downloaded).",
        "zh": "每个发布版本都是整个图谱的固定副本，引用时请注明所用版本。"
        "可用 sha256sum -c --ignore-missing SHA256SUMS 校验下载的文件（该选项跳过未下载的文件）。",
    },
    "released_on": {"en": "released", "zh": "发布于"},
    "file": {"en": "File", "zh": "文件"},
    "media_type": {"en": "Media type", "zh": "媒体类型"},
    "bytes": {"en": "Bytes", "zh": "字节"},
    "graph_files": {
        "en": "One Turtle and one JSON-LD file per named graph",
        "zh": "每个命名图一个 Turtle 文件和一个 JSON-LD 文件",
    },
    "ontology_version": {
        "en": "The ontology of this release, its owl:versionIRI",
        "zh": "本版本的本体，其 owl:versionIRI 为",
    },
    "files_listed_in": {
        "en": "files, listed with their checksums in",
        "zh": "个文件，其校验值列于",
    },
    "compare_releases": {"en": "Compare two releases", "zh": "比较两个发布版本"},
    "diff_from": {"en": "From", "zh": "从"},
    "diff_to": {"en": "to", "zh": "到"},
    "compare": {"en": "Compare", "zh": "比较"},
    "knowledge_diff": {"en": "Knowledge diff", "zh": "知识差异"},
    "knowledge_diff_intro": {
        "en": "What changed in the knowledge from one release to the other, by entity: "
        "asserted statements (inferred ones left out), named graphs merged. Each release's "
        "CHANGELOG.md gives the change from the release before it.",
        "zh": "从一个发布版本到另一个版本知识的变化，按实体列出：只比较断言的陈述（不含推理所得），"
        "各命名图合并比较。每个发布版本的 CHANGELOG.md 给出相对前一版本的变化。",
    },
    "other_forms": {"en": "Also as", "zh": "其他格式"},
    "plain_text": {"en": "plain text", "zh": "纯文本"},
    "diff_counts": {
        "en": "{added} entities added, {removed} removed, {changed} changed; "
        "{triples_added} triples added, {triples_removed} removed.",
        "zh": "新增实体 {added} 个，删除 {removed} 个，变更 {changed} 个；"
        "新增三元组 {triples_added} 条，删除 {triples_removed} 条。",
    },
    "diff_structure_counts": {
        "en": "Blank-node structures that no IRI holds: {added} added, {removed} removed.",
        "zh": "不属于任何 IRI 的空白节点结构：新增 {added} 个，删除 {removed} 个。",
    },
    "diff_newer_first": {
        "en": "{old} is newer than {new}: this is what going back changes (the entities "
        "removed are in {old}, not in {new}).",
        "zh": "{old} 比 {new} 新：以下是退回旧版本时的变化"
        "（删除的实体在 {old} 中，不在 {new} 中）。",
    },
    "no_change": {"en": "No change to the knowledge.", "zh": "知识没有变化。"},
    "diff_unreadable": {
        "en": "the knowledge diff {old} → {new} cannot be made",
        "zh": "无法生成知识差异 {old} → {new}",
    },
    "entities_added": {"en": "Entities added", "zh": "新增的实体"},
    "entities_removed": {"en": "Entities removed", "zh": "删除的实体"},
    "entities_changed": {"en": "Entities changed", "zh": "变更的实体"},
    "structures_added": {"en": "Blank-node structures added", "zh": "新增的空白节点结构"},
    "structures_removed": {"en": "Blank-node structures removed", "zh": "删除的空白节点结构"},
    "sources_added": {"en": "Sources added", "zh": "新增的来源"},
    "deprecated_entities": {"en": "IRIs deprecated", "zh": "弃用的 IRI"},
    "no_replacement": {"en": "no replacement", "zh": "无替代"},
    "entity": {"en": "Entity", "zh": "实体"},
    "types": {"en": "Types", "zh": "类型"},
    "links": {"en": "Links", "zh": "链接"},
    "changes": {"en": "Changes", "zh": "变化"},
    "link_gained": {"en": "link gained", "zh": "新增链接"},
    "link_lost": {"en": "link lost", "zh": "失去链接"},
    "access": {"en": "Access", "zh": "访问方式"},
    "description_rdf": {"en": "VoID / DCAT description", "zh": "VoID / DCAT 描述"},
    "no_results": {"en": "Nothing matches.", "zh": "没有匹配项。"},
    "search_all": {"en": "{total} found.", "zh": "找到 {total} 项。"},
    "search_first": {
        "en": "{total} found; showing the first {shown}. Add words to narrow the search.",
        "zh": "找到 {total} 项，显示前 {shown} 项。可补充文字以缩小范围。",
    },
    "match_exact": {"en": "exact", "zh": "完全匹配"},
    "match_word": {"en": "whole word", "zh": "整词匹配"},
    "match_prefix": {"en": "starts with", "zh": "前缀匹配"},
    "match_partial": {"en": "contains", "zh": "部分匹配"},
    "operations": {"en": "Operations", "zh": "操作"},
    "parameters": {"en": "Parameters", "zh": "参数"},
    "try": {"en": "Try it", "zh": "试用"},
    "openapi_hint": {
        "en": "Every named query is a REST operation; the OpenAPI document is at /openapi.json.",
        "zh": "每个具名查询都是一个 REST 操作；OpenAPI 文档见 /openapi.json。",
    },
    "required": {"en": "required", "zh": "必填"},
    "default": {"en": "Default", "zh": "默认值"},
    "blank_node": {"en": "(unnamed node)", "zh": "（匿名节点）"},
    "chart": {"en": "Chart", "zh": "图表"},
    "table": {"en": "Table", "zh": "表格"},
    "response": {"en": "Response", "zh": "原始响应"},
    "simple_view": {"en": "Simple view", "zh": "简洁视图"},
    "ellipse": {"en": "Ellipse", "zh": "截断长值"},
    "filter_results": {"en": "Filter query results", "zh": "筛选结果"},
    "page_size": {"en": "Page size: ", "zh": "每页行数："},
    "all_rows": {"en": "All", "zh": "全部"},
    "result_rows": {"en": "{rows} results", "zh": "{rows} 条结果"},
    "result_seconds": {"en": " in {seconds} seconds", "zh": "，用时 {seconds} 秒"},
    # DataTables' words in YASR's result table (its English defaults; _START_ … are its slots)
    "table_info": {
        "en": "Showing _START_ to _END_ of _TOTAL_ entries",
        "zh": "第 _START_ 至 _END_ 条，共 _TOTAL_ 条",
    },
    "table_info_empty": {"en": "Showing 0 to 0 of 0 entries", "zh": "共 0 条"},
    "table_info_filtered": {
        "en": "(filtered from _MAX_ total entries)",
        "zh": "（从 _MAX_ 条中筛选）",
    },
    "table_empty": {"en": "No data available in table", "zh": "没有结果"},
    "table_no_match": {"en": "No matching records found", "zh": "没有符合筛选条件的结果"},
    "sort": {"en": ": Activate to sort", "zh": "：点击排序"},
    "sort_reverse": {"en": ": Activate to invert sorting", "zh": "：点击反向排序"},
    "sort_remove": {"en": ": Activate to remove sorting", "zh": "：点击取消排序"},
    "page_first": {"en": "First", "zh": "第一页"},
    "page_previous": {"en": "Previous", "zh": "上一页"},
    "page_next": {"en": "Next", "zh": "下一页"},
    "page_last": {"en": "Last", "zh": "最后一页"},
    "pager": {"en": "pagination", "zh": "分页"},
    "try_query": {"en": "Try query in a new browser window", "zh": "在新窗口中用 GET 运行此查询"},
    "needs_network": {"en": "needs the internet", "zh": "需联网"},
    "inferred_mark": {"en": "inferred", "zh": "推理所得"},
    "inferred_explained": {
        "en": "not stated of this resource: the ontology's rules infer it from other statements "
        "(the inverse of one under “Referenced by”, a narrower property, a chain of a "
        "transitive one, a narrower class), whose sources are on the pages of the resources "
        "that state them.",
        "zh": "本资源未直接陈述此项：由本体规则从其他陈述推理所得（如“被引用”中某陈述的逆向、"
        "更具体的属性、传递属性的链或更具体的类），其来源见陈述它们的资源页面。",
    },
    "names": {"en": "Names", "zh": "名称"},
    "names_in": {"en": "Names in {datasets}", "zh": "{datasets}中的名称"},
    "list_comma": {"en": ", ", "zh": "、"},
    "list_and": {"en": " and ", "zh": "和"},
    "version": {"en": "Version", "zh": "版本"},
    "dumps": {"en": "Dumps", "zh": "数据下载"},
    "sparql_endpoint": {"en": "SPARQL endpoint", "zh": "SPARQL 端点"},
    "entities": {"en": "Entities", "zh": "实体"},
    "distinct_classes": {"en": "Classes used", "zh": "使用的类"},
    "distinct_properties": {"en": "Properties used", "zh": "使用的属性"},
    "triples_total": {"en": "Triples (union of all graphs)", "zh": "三元组（所有图的并集）"},
    "graph": {"en": "Named graph", "zh": "命名图"},
    "source_documents": {"en": "Sources", "zh": "数据来源"},
    "source": {"en": "Source", "zh": "来源"},
    "dataset_row": {"en": "{count} row of this dataset", "zh": "本数据集中的 {count} 行"},
    "dataset_rows": {"en": "{count} rows of this dataset", "zh": "本数据集中的 {count} 行"},
    "web_pages_cited": {
        "en": "Besides these, {count} web pages are cited as evidence for single statements"
        " (pages cited only by deprecated IRIs or withdrawn statements are kept, not counted).",
        "zh": "此外，另有 {count} 个网页作为单项陈述的依据被引用（仅被已弃用的 IRI"
        "或已撤回的陈述引用的网页仍保留，但不计入）。",
    },
    "main_navigation": {"en": "Main", "zh": "主导航"},
    "responses": {"en": "Responses", "zh": "响应"},
    "openapi_document": {"en": "OpenAPI document", "zh": "OpenAPI 文档"},
}
"""UI wording by key and language; every key has both languages (checked by the tests)."""

YASR_CONTROLS = ("simple_view", "ellipse", "filter_results", "page_size", "all_rows")
"""The words of YASR's result table that it draws in English: their English is its text."""

TAG_NAMES_ZH: dict[str, str] = {
    "applications": "应用",
    "Beijing": "北京",
    "biomedicine": "生物医药",
    "chips": "芯片",
    "claims": "论断",
    "companies": "企业",
    "compute": "算力",
    "containment": "包含关系",
    "data quality": "数据质量",
    "districts": "区",
    "domains": "领域",
    "events": "事件",
    "federation": "联邦查询",
    "goals": "目标",
    "initiatives": "举措",
    "institutions": "机构",
    "labels": "标签",
    "large models": "大模型",
    "layout": "布局",
    "models": "模型",
    "networks": "网络",
    "ontology": "本体",
    "openness": "开放程度",
    "organisations": "机构",
    "people": "人物",
    "places": "地点",
    "policies": "政策",
    "products": "产品",
    "provenance": "来源追溯",
    "qlever": "QLever",
    "qualifiers": "限定词",
    "roles": "角色",
    "ror": "ROR",
    "safety": "安全",
    "search": "检索",
    "sources": "来源",
    "statistics": "统计",
    "technologies": "技术",
    "time": "时间",
    "units": "单位",
    "versions": "版本",
    "wikidata": "Wikidata",
}
"""The Chinese names of the named queries' tags (their ``tags`` header is in English)."""
