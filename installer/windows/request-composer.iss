; Inno Setup script of Request Composer for Windows (NOT built or tested in CI:
; there is no Windows here). Steps in installer/README.md, section Windows.
;
; Input: the PyInstaller one-folder build in dist\request-composer (made on
; Windows with installer\request-composer.spec). Output:
; dist\request-composer-setup-<version>.exe, a per-user install (no
; administrator rights needed) that registers the request-composer:// link
; scheme and offers the app under "Open with" for .zip files without ever
; becoming the default program for zip files (Windows associates by
; extension only, and saved requests stay .zip files).
;
; Branded builds: pass /DAppName="My Hosting Support" /DAppPackage=my-hosting
; after staging the branded resources as installer/build-branded does.

#ifndef AppName
  #define AppName "Request Composer"
#endif
#ifndef AppPackage
  #define AppPackage "request-composer"
#endif
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6B3C1D2E-8F4A-4C57-9E21-5A7D0F3B9C10}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Request Composer team
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename={#AppPackage}-setup-{#AppVersion}
SetupIconFile=request-composer.ico
UninstallDisplayIcon={app}\request-composer.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible
ArchitecturesAllowed=x64compatible

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "el"; MessagesFile: "compiler:Languages\Greek.isl"
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"

[Files]
Source: "..\..\dist\request-composer\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\request-composer.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\request-composer.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Registry]
; the request-composer:// link scheme
Root: HKA; Subkey: "Software\Classes\request-composer"; ValueType: string; ValueData: "URL:Request Composer link"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\request-composer"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\request-composer\DefaultIcon"; ValueType: string; ValueData: "{app}\request-composer.exe,0"
Root: HKA; Subkey: "Software\Classes\request-composer\shell\open\command"; ValueType: string; ValueData: """{app}\request-composer.exe"" ""%1"""
; saved requests: a ProgID, offered under "Open with" for .zip, never made the default
Root: HKA; Subkey: "Software\Classes\RequestComposer.Request"; ValueType: string; ValueData: "Support request"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\RequestComposer.Request\DefaultIcon"; ValueType: string; ValueData: "{app}\request-composer.exe,0"
Root: HKA; Subkey: "Software\Classes\RequestComposer.Request\shell\open\command"; ValueType: string; ValueData: """{app}\request-composer.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.zip\OpenWithProgids"; ValueType: string; ValueName: "RequestComposer.Request"; ValueData: ""; Flags: uninsdeletevalue

[Run]
Filename: "{app}\request-composer.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
