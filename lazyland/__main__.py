from lazyland.cli import main

raise SystemExit(main())
