"""Exit 0 when the pull request of a GitHub event payload (GITHUB_EVENT_PATH) carries the label, else 1."""

import json
import sys


def main(event_path: str, label: str) -> int:
    with open(event_path, encoding="utf-8") as file:
        event = json.load(file)
    names = [item.get("name") for item in event.get("pull_request", {}).get("labels", [])]
    return 0 if label in names else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
