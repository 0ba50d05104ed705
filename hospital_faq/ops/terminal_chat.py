"""Chat with the running assistant from a terminal, over its REST channel.

    python -m hospital_faq.ops.terminal_chat [http://localhost:5005]

Buttons are shown as numbered options: type the number to pick one.
"""
import sys
import uuid

import requests


def show(messages, options):
    options.clear()
    for message in messages:
        if message.get("text"):
            print(f"\nAssistant: {message['text']}")
        for button in message.get("buttons") or []:
            options.append(button["payload"])
            print(f"  {len(options)}. {button['title']}")


def main(server: str = "http://localhost:5005") -> None:
    url = f"{server}/webhooks/rest/webhook"
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    options = []
    print("Ask about spinal tumor treatment. Type a number to pick an option; Ctrl-D to quit.")
    while True:
        try:
            line = input("\nYou: ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if line.isdigit() and 1 <= int(line) <= len(options):
            line = options[int(line) - 1]
        try:
            reply = requests.post(url, json={"sender": sender, "message": line}, timeout=60)
            reply.raise_for_status()
        except requests.RequestException as error:
            print(f"(The assistant is not reachable: {error})")
            continue
        show(reply.json(), options)


if __name__ == "__main__":
    main(*sys.argv[1:2])
