; Inno Setup script for Atelier Citoyen (Windows): a per-user install, no administrator rights.
; Build on Windows, after `python installer\build.py` made dist\atelier\:
;   iscc /DAppVersion=0.3.0 installer\windows\atelier.iss
; (installer\windows\build.ps1 reads the version from pyproject.toml and runs both steps.)
; The result is dist\atelier-citoyen-<version>-setup.exe.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "Atelier Citoyen"
#define AppExe "atelier.exe"
#define ProgId "AtelierCitoyen.Workspace"

[Setup]
AppId={{6B1E2F7A-4C1D-4E8B-9A57-2F0C3D9E8A41}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Atelier Citoyen developers
VersionInfoVersion={#AppVersion}
; Per user: %LOCALAPPDATA%\Programs\Atelier Citoyen, the user's registry hive, no UAC prompt.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
SetupIconFile=..\..\app\resources\icons\atelier-citoyen.ico
OutputDir=..\..\dist
OutputBaseFilename=atelier-citoyen-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
; The app may be running: close it before replacing its files.
CloseApplications=yes

[Languages]
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\atelier\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The .atelier file type, for this user only (HKCU\Software\Classes); removed on uninstall.
Root: HKCU; Subkey: "Software\Classes\.atelier"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.atelier\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:WorkspaceType}"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".atelier"; ValueData: ""; Flags: uninsdeletekey

[CustomMessages]
fr.WorkspaceType=Espace de travail Atelier Citoyen
en.WorkspaceType=Atelier Citoyen workspace

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
