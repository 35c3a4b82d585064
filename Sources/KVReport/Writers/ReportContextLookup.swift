import KVEstimator
import Mustache

// How the templates read the contexts: each context names its properties for swift-mustache
// (`MustacheParent`) instead of being searched through Mirror at every tag, which took 40% of a
// render (Mirror boxes every property to find one). A property missing here would render as
// nothing; `ReportTests` checks every context's properties against Mirror.

extension ReportContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "subtitle": self.subtitle
        case "descriptionHTML": self.descriptionHTML
        case "hasFindings": self.hasFindings
        case "findings": self.findings
        case "sections": self.sections
        case "formulasOpen": self.formulasOpen
        default: nil
        }
    }
}

extension SectionContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": self.id
        case "title": self.title
        case "blocks": self.blocks
        default: nil
        }
    }
}

extension BlockContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "paragraph": self.paragraph
        case "prose": self.prose
        case "figure": self.figure
        case "table": self.table
        case "traces": self.traces
        default: nil
        }
    }
}

extension TextContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": self.text
        default: nil
        }
    }
}

extension ContentContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "content": self.content
        default: nil
        }
    }
}

extension FigureContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": self.id
        case "number": self.number
        case "caption": self.caption
        case "svg": self.svg
        default: nil
        }
    }
}

extension TableContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": self.id
        case "number": self.number
        case "caption": self.caption
        case "csvHref": self.csvHref
        case "fileName": self.fileName
        case "html": self.html
        case "wide": self.wide
        default: nil
        }
    }
}

extension TracesContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "summary": self.summary
        case "groups": self.groups
        default: nil
        }
    }
}

extension TraceGroupContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "heading": self.heading
        case "lines": self.lines
        default: nil
        }
    }
}

extension PageContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "version": self.version
        case "title": self.title
        case "inlineCSS": self.inlineCSS
        case "css": self.css
        case "cssHref": self.cssHref
        case "siteHref": self.siteHref
        case "toc": self.toc
        case "downloads": self.downloads
        case "content": self.content
        case "studyPath": self.studyPath
        case "studySHA256": self.studySHA256
        case "catalog": self.catalog
        case "calibrated": self.calibrated
        default: nil
        }
    }
}

extension TocEntry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": self.id
        case "title": self.title
        default: nil
        }
    }
}

extension DownloadsContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "items": self.items
        default: nil
        }
    }
}

extension DownloadItem: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "href": self.href
        case "name": self.name
        case "label": self.label
        default: nil
        }
    }
}

extension CatalogHash: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "sha256": self.sha256
        default: nil
        }
    }
}

extension IndexContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "version": self.version
        case "title": self.title
        case "cssHref": self.cssHref
        case "count": self.count
        case "countText": self.countText
        case "studies": self.studies
        default: nil
        }
    }
}

extension IndexEntry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "href": self.href
        case "title": self.title
        case "subtitle": self.subtitle
        case "headline": self.headline
        case "figure": self.figure
        default: nil
        }
    }
}

extension IndexFigure: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "svg": self.svg
        case "caption": self.caption
        default: nil
        }
    }
}

extension MethodologyContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "mode": self.mode
        case "outputTokens": self.outputTokens
        default: nil
        }
    }
}

extension FormulaTrace: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "quantity": self.quantity
        case "formula": self.formula
        case "substituted": self.substituted
        case "result": self.result
        default: nil
        }
    }
}

/// What a template finds under `name` in `context`, or nil when the context does not name its
/// properties (for the tests, which do not import Mustache).
func templateLookup(_ context: Any) -> ((String) -> Any?)? {
    guard let parent = context as? MustacheParent else { return nil }
    return { parent.child(named: $0) }
}
