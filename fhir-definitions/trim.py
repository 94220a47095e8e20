#!/usr/bin/env python3
"""Copy the conformance resources that the build needs out of an npm FHIR
package, dropping narrative and mapping text, and write them minified.

Usage: trim.py PACKAGE.tgz OUT_DIR

The output is a package folder (OUT_DIR/package/package.json plus one file per
resource) that the codegen loader reads like any other FHIR package.
"""
import io
import json
import sys
import tarfile

KEEP_TYPES = {
    "StructureDefinition",
    "SearchParameter",
    "CompartmentDefinition",
    "ValueSet",
    "CodeSystem",
}

# Top-level keys that no build step reads. Everything else is kept.
DROP_TOP = {"text", "mapping", "contact", "differential", "xpath", "xpathUsage",
            "jurisdiction", "copyright", "purpose", "publisher"}
# ElementDefinition keys that no build step reads.
DROP_ELEMENT = {"comment", "requirements", "alias", "mapping", "example",
                "meaningWhenMissing", "orderMeaning", "isModifierReason"}
DROP_CONSTRAINT = {"xpath", "source"}
DROP_CONCEPT = {"definition", "designation"}


def trim_concepts(concepts):
    for concept in concepts:
        for key in DROP_CONCEPT:
            concept.pop(key, None)
        trim_concepts(concept.get("concept", []))


def trim(resource):
    for key in DROP_TOP:
        resource.pop(key, None)
    if resource["resourceType"] == "StructureDefinition":
        for element in resource.get("snapshot", {}).get("element", []):
            for key in DROP_ELEMENT:
                element.pop(key, None)
            for constraint in element.get("constraint", []):
                for key in DROP_CONSTRAINT:
                    constraint.pop(key, None)
    if resource["resourceType"] == "CodeSystem":
        trim_concepts(resource.get("concept", []))
    return resource


def main(package_path, out_dir):
    import os

    target = os.path.join(out_dir, "package")
    os.makedirs(target, exist_ok=True)
    kept = 0
    with tarfile.open(package_path, "r:gz") as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            if not member.isfile() or not member.name.endswith(".json"):
                continue
            name = member.name.split("/")[-1]
            raw = archive.extractfile(member).read()
            resource = json.load(io.BytesIO(raw))
            if name == "package.json":
                resource["description"] = (
                    "Conformance resources trimmed from hl7.fhir.r4.examples" + "@"
                    + resource["version"] + " by fhir-definitions/trim.py")
                resource["name"] = "hl7.fhir.r4.core"
                out_name = "package.json"
            elif resource.get("resourceType") in KEEP_TYPES:
                resource = trim(resource)
                out_name = name
                kept += 1
            else:
                continue
            with open(os.path.join(target, out_name), "w", encoding="utf-8") as out:
                json.dump(resource, out, ensure_ascii=False, separators=(",", ":"),
                          sort_keys=False)
    print(f"kept {kept} resources in {target}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
